"""Version of the local pipeline and the server code it follows."""

#: The server script this pipeline follows: inutano/chip-atlas, script/update_2025/DA/{DA,
#: edgeR.r} at commit 47f252e (2025-11-26).
DA_SOURCE = "inutano/chip-atlas@47f252ed9bd7:script/update_2025/DA"
#: Bump when any step of the local pipeline changes its output.
PIPELINE_VERSION = "chromdiff-local-1/da-2025-47f252e"
