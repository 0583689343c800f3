/* SPDX-License-Identifier: MIT */
/* Files read whole, for tests that look at what a program wrote or replay inputs. */
#ifndef WHYSERVE_TESTS_FILE_H
#define WHYSERVE_TESTS_FILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The bytes of the file at path, malloc'ed in a buffer of exactly their
 * number (so that ASan sees a read past them), which goes into *len;
 * NULL with errno set when it cannot be read.
 */
uint8_t *file_read(const char *path, size_t *len);

#endif
