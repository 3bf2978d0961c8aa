// Reads the summary uvu prints at the end of a test file's run. uvu's Total counts the tests
// that ran; a test.skip() only bumps Skipped and is outside Total, so the failures are
// Total - Passed (never Total - Passed - Skipped, which goes negative when tests are skipped).
export function uvuCounts(out) {
  const num = (label) => Number((out.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? NaN);
  const total = num('Total'), ok = num('Passed'), skip = num('Skipped') || 0;
  return { total, ok, skip, bad: Math.max(0, total - ok) };
}
