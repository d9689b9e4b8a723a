/* Status codes: the strings and names come from the single X-macro table in
 * wijkscan/status.h, so code, name and text can never drift apart. */
#include "wijkscan/status.h"

const char *ws_status_str(ws_status st) {
    switch (st) {
#define WS_STATUS_STR_(name, value, text)                                      \
    case name:                                                                 \
        return text;
        WS_STATUS_MAP(WS_STATUS_STR_)
#undef WS_STATUS_STR_
    }
    return "unknown status";
}

const char *ws_status_name(ws_status st) {
    switch (st) {
#define WS_STATUS_NAME_(name, value, text)                                     \
    case name:                                                                 \
        return #name;
        WS_STATUS_MAP(WS_STATUS_NAME_)
#undef WS_STATUS_NAME_
    }
    return "WS_UNKNOWN";
}
