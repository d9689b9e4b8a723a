/**
 * \file project.h
 * Project files (YAML): the inputs, the region, the parameters and the
 * outputs of a run, e.g. examples/boce/wijkscan.yaml. Relative paths are
 * taken relative to the project file. Errors name file:line:column.
 */
#ifndef WIJKSCAN_PROJECT_H
#define WIJKSCAN_PROJECT_H

#include "context.h"
#include "export_macros.h"
#include "map.h"
#include "pipeline.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_project ws_project;

/**
 * Read and check a project file.
 * \param default_layers_dir layer definitions to use when the project names
 *        none (may be NULL).
 * \param out receives the project. Caller owns it; free with ws_project_free().
 * \since 0.1
 */
WS_API ws_status ws_project_load(ws_ctx *ctx, const char *path,
                                 const char *default_layers_dir,
                                 ws_project **out);

/** Free a project. NULL is a harmless no-op. \since 0.1 */
WS_API void ws_project_free(ws_project *p);

/**
 * The pipeline options the project asks for (borrowed; valid while the
 * project lives). Output paths lie in the project's output directory.
 * \since 0.1
 */
WS_API const ws_pipeline_options *ws_project_options(const ws_project *p);

/**
 * Write the outputs to `dir` instead of the directory the project names.
 * \since 0.1
 */
WS_API ws_status ws_project_set_output_dir(ws_ctx *ctx, ws_project *p,
                                           const char *dir);

/** The output directory (borrowed). \since 0.1 */
WS_API const char *ws_project_output_dir(const ws_project *p);

/** The project's name (borrowed). \since 0.1 */
WS_API const char *ws_project_name(const ws_project *p);

/** Number of maps the project lists under `maps:`. \since 0.2 */
WS_API size_t ws_project_map_count(const ws_project *p);

/**
 * The i-th map of the project (borrowed; valid while the project lives and
 * until the next ws_project_set_output_dir()). Its GeoPackage is the
 * project's output GeoPackage and its output file lies in the output
 * directory; style paths are relative to the project file, and a bare style
 * name NAME means styles/NAME.yaml beside the layer definitions.
 * \return NULL when i is out of range.
 * \since 0.2
 */
WS_API const ws_map_options *ws_project_map(const ws_project *p, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_PROJECT_H */
