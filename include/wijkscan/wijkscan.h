/**
 * \file wijkscan.h
 * Umbrella header of libwijkscan: neighbourhood indicators and theme scores
 * from BAG, CBS and voorzieningen data.
 */
#ifndef WIJKSCAN_WIJKSCAN_H
#define WIJKSCAN_WIJKSCAN_H

#define WS_VERSION_MAJOR 0
#define WS_VERSION_MINOR 1
#define WS_VERSION_PATCH 0

#include "access.h"
#include "aggregate.h"
#include "classify.h"
#include "context.h"
#include "dataset.h"
#include "export.h"
#include "export_macros.h"
#include "join.h"
#include "load.h"
#include "map.h"
#include "pipeline.h"
#include "project.h"
#include "report.h"
#include "score.h"
#include "status.h"

#endif /* WIJKSCAN_WIJKSCAN_H */
