#!/bin/sh
id -un > "$1"
