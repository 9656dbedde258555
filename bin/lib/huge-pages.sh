# Sourced by the benchmark scripts (bin/gemm-bars, bin/gemm-pairs, bin/kernel-widths): the JVM flag that
# puts the heap on transparent huge pages, where the machine has them.
#
# numpy madvises its large arrays onto 2 MB pages by default on Linux (numpy >= 1.16, where the kernel's
# THP mode is madvise or always), so OpenBLAS's sgemm in bin/openblas-sgemm, the reference of issue 11's
# ratio bar, reads and writes its matrices on huge pages. A JVM's heap gets them only with
# -XX:+UseTransparentHugePages. The Visor JVMs of the bars get the flag too, so both sides of a ratio run
# on the same pages (benchmarks/README.md, "Huge pages in the GEMM bars"); VISOR_HUGE_PAGES=false measures
# without.
#
# huge_page_flags: an array, (-XX:+UseTransparentHugePages) on Linux with THP mode "always" or "madvise"
# (read from /sys/kernel/mm/transparent_hugepage/enabled, or the file VISOR_THP_SYSFS names, for tests)
# unless VISOR_HUGE_PAGES=false, else empty.
# huge_page_note: one line for a report saying which.
huge_page_mode="$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' "${VISOR_THP_SYSFS:-/sys/kernel/mm/transparent_hugepage/enabled}" 2>/dev/null || true)"
huge_page_flags=()
if [[ "${VISOR_HUGE_PAGES:-true}" == false ]]; then
  huge_page_note="Visor's JVMs without -XX:+UseTransparentHugePages (VISOR_HUGE_PAGES=false; THP mode: ${huge_page_mode:-none})"
elif [[ "$(uname -s)" == Linux && ( "$huge_page_mode" == always || "$huge_page_mode" == madvise ) ]]; then
  huge_page_flags=(-XX:+UseTransparentHugePages)
  huge_page_note="Visor's JVMs with -XX:+UseTransparentHugePages (THP mode: $huge_page_mode), as numpy's arrays"
else
  huge_page_note="Visor's JVMs on the default pages (no transparent huge pages here: mode '${huge_page_mode:-none}')"
fi
