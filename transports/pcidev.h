/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcidev.h - PCI discovery internals: the sysfs `resource` file */
#ifndef CL_PCIDEV_H
#define CL_PCIDEV_H

#include "cardload.h"

/* Parse a sysfs `resource` file ("0xSTART 0xEND 0xFLAGS" per line, BARs
 * first): sizes and flags of the six BARs. 0, or -1 on a malformed line. */
int cl_pci_parse_resource(const char *text, struct cl_pci_dev *dev);

#endif /* CL_PCIDEV_H */
