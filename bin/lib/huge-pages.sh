# Sourced by the benchmark scripts (bin/gemm-bars, bin/gemm-pairs, bin/kernel-widths, bin/openblas-pairs): whether Visor's JVMs
# put their heap on transparent huge pages. Off by default; --huge-pages=true (VISOR_HUGE_PAGES=true) turns
# it on where the machine has them.
#
# numpy madvises its large arrays onto 2 MB pages by default on Linux (numpy >= 1.16, where the kernel's
# THP mode is madvise or always), so OpenBLAS's sgemm in bin/openblas-sgemm, the reference of issue 11's
# ratio bar, reads and writes its matrices on huge pages; a JVM's heap gets them only with
# -XX:+UseTransparentHugePages. On Zen 4 the flag gave Visor's 1024^3 about 1 % by CPU time in one process
# but nothing in whole JVMs, and slow JVMs came on both kinds of pages (4 of 11 on huge pages, 1 of 7 on
# 4 KB), so the bars keep the JVM's default pages, as in every window before, and figures compare across
# sessions (benchmarks/README.md, "Huge pages in the GEMM bars").
#
# huge_page_flags: an array, (-XX:+UseTransparentHugePages) when VISOR_HUGE_PAGES=true on Linux with THP mode
# "always" or "madvise" (read from /sys/kernel/mm/transparent_hugepage/enabled, or the file VISOR_THP_SYSFS
# names, for tests), else empty.
# huge_page_note: one line for a report saying which.
huge_page_mode="$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' "${VISOR_THP_SYSFS:-/sys/kernel/mm/transparent_hugepage/enabled}" 2>/dev/null || true)"
huge_page_flags=()
if [[ "${VISOR_HUGE_PAGES:-false}" != true ]]; then
  huge_page_note="Visor's JVMs without -XX:+UseTransparentHugePages (THP mode: ${huge_page_mode:-none}; --huge-pages=true to add it)"
elif [[ "$(uname -s)" == Linux && ( "$huge_page_mode" == always || "$huge_page_mode" == madvise ) ]]; then
  huge_page_flags=(-XX:+UseTransparentHugePages)
  huge_page_note="Visor's JVMs with -XX:+UseTransparentHugePages (THP mode: $huge_page_mode), as numpy's arrays"
else
  huge_page_note="Visor's JVMs on the default pages (--huge-pages=true, but no transparent huge pages here: mode '${huge_page_mode:-none}')"
fi
