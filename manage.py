#!/usr/bin/env python
from cadence.cli import main

if __name__ == "__main__":
    main()
