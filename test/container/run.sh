#!/usr/bin/env bash
echo "container test: not written yet"
