"""Shared test infrastructure: loopback emulators, responders and environment set-up."""
