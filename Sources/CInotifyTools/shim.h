#ifndef ALTV_DEV_CINOTIFYTOOLS_SHIM_H
#define ALTV_DEV_CINOTIFYTOOLS_SHIM_H
#include <sys/inotify.h>
#include <inotifytools/inotifytools.h>
#endif
