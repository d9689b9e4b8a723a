/* wijkscan — symbol visibility. The library is built with hidden visibility;
 * only declarations marked WS_API are exported. */
#ifndef WIJKSCAN_EXPORT_MACROS_H
#define WIJKSCAN_EXPORT_MACROS_H

#if defined(_WIN32) && defined(WS_BUILDING_LIBRARY)
#define WS_API __declspec(dllexport)
#elif defined(__GNUC__) && defined(WS_BUILDING_LIBRARY)
#define WS_API __attribute__((visibility("default")))
#else
#define WS_API
#endif

#endif /* WIJKSCAN_EXPORT_MACROS_H */
