"""Closing the cycle: providers' returns against the plan, and what they teach the next one.

`scorecard` rates every funded service's spend, participants and outcomes to date; `update`
folds the evidence into a new data folder. This layer comes after the allocator (it reads a
plan) and before documents, the store, the command line and the app, which it never imports.
"""
