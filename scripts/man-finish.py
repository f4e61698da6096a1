#!/usr/bin/env python3
"""Finishes the manual generate-manual writes: the internal __guardian is left out, and FILES and
EXAMPLES are added before EXIT STATUS. Run by scripts/man; idempotent."""
import re
import sys

path = sys.argv[1]
text = open(path, encoding="utf-8").read()
# The hidden subcommand's entry, up to the next subcommand's.
text = re.sub(r"\.It Em __guardian\n.*?(?=\.It Em )", "", text, flags=re.S)
extras = r""".Sh FILES
.Bl -tag -width 6n
.It Pa altv-dev.toml
The project's config, in the folder
.Nm
is run in or the nearest parent; see
.Pa altv-dev.example.toml
and
.Pa schemas/altv-dev.schema.json .
.It Pa server.toml
alt:V's server config, read for the password, the port and the resources.
.It Pa .env
Read into the children's environment when
.Cm env_file
names it.
.It Pa $XDG_RUNTIME_DIR/altv-dev/*.sock
The control socket of a running watch (else under
.Pa $TMPDIR/altv-dev-UID/ ) .
.It Pa schemas/altv-dev.events.schema.json
What
.Fl -events
writes, one JSON object per line.
.El
.Sh EXAMPLES
Write a config for the alt:V server in this folder, check it, and run the loop:
.Dl altv-dev init && altv-dev check && altv-dev watch
Ask what a save of a file would do:
.Dl altv-dev check --why resources/core/server/index.js
Restart the server of a running watch from another terminal, and wait until it is ready:
.Dl altv-dev send restart && altv-dev wait --for ready
Run the loop once in CI, with a JUnit report:
.Dl altv-dev ci --for 10s --junit report.xml
"""
if ".Sh FILES" not in text:
    text = text.replace('.Sh "EXIT STATUS"', extras + '.Sh "EXIT STATUS"')
open(path, "w", encoding="utf-8").write(text)
