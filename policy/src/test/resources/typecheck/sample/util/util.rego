package sample.util

import rego.v1

size := 3
