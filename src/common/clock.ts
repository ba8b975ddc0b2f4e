// The kernel's clock as people read it: jiffies at HZ = 100 (Linux 1.2 on i386), written as seconds
// or milliseconds. Every layer that shows a time (Variables, the panel, the trace, the exports)
// formats it here; the scenario language's own spelling (`1.5s`, `250ms`) is src/scenario/time.ts.

/** HZ of the 1.2 kernel on i386: jiffies per second (one jiffy is 10 ms). */
export const HZ = 100;

/** `12.34`: jiffies as a number of seconds with two decimals (exact at HZ = 100). */
export function secondsValue(jiffies: number): string {
  return (jiffies / HZ).toFixed(2);
}

/** `12.34 s`: jiffies as seconds with two decimals and the unit. */
export function seconds(jiffies: number): string {
  return `${secondsValue(jiffies)} s`;
}

/** `3 s` for whole seconds, else `250 ms`: the exact duration, shortest first. */
export function duration(jiffies: number): string {
  return jiffies % HZ === 0 ? `${jiffies / HZ} s` : `${jiffies * (1000 / HZ)} ms`;
}

/** `1234 jiffies (12.34 s)`: a reading of the clock, raw and in seconds. */
export function clockText(jiffies: number): string {
  return `${jiffies} jiffies (${seconds(jiffies)})`;
}
