#!/bin/bash
# The SR-IOV device plugin against a fake kubelet on a real gRPC stack
# (python3-grpcio): see deviceplugin_test.py. umockdev-wrapper, as the test
# owns the testbeds and sends their uevents.
exec umockdev-wrapper /usr/bin/python3 "$(dirname "$0")/deviceplugin_test.py"
