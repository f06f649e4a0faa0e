#!/bin/sh
# Writes its second argument's file; NativeModules2SideBySideIT's script task runs it.
echo "arg=$1"
echo "made by $1" > "$2"
echo "to stderr" >&2
