/* A progress bar on stderr for the long stages, drawn only when stderr is a
 * terminal and redrawn only when the percentage changes, so it costs nothing
 * in batch runs and logs stay clean. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_progress_init(cli_progress *p, bool quiet) {
    memset(p, 0, sizeof *p);
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->last_percent = -1;
}

int cli_progress_fn(double ratio, const char *msg, void *user) {
    cli_progress *p = user;
    if (!p->enabled)
        return 0;
    int percent = (int)(ratio * 100.0);
    if (percent < 0)
        percent = 0;
    if (percent > 100)
        percent = 100;
    if (percent == p->last_percent && strcmp(msg, p->last_msg) == 0)
        return 0;
    p->last_percent = percent;
    snprintf(p->last_msg, sizeof p->last_msg, "%s", msg);
    char bar[31];
    int fill = percent * 30 / 100;
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %3d%% %-40.40s", bar, percent, msg);
    return 0;
}

void cli_progress_done(cli_progress *p) {
    if (p->enabled && p->last_percent >= 0)
        fprintf(stderr, "\r%78s\r", "");
    p->last_percent = -1;
}
