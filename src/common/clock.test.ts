// The clock's formats: the places that show a time (Variables, panel, trace, exports) rely on these.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockText, duration, HZ, seconds, secondsValue } from './clock';

test('HZ is the i386 value of Linux 1.2', () => {
  assert.equal(HZ, 100);
});

test('seconds: two decimals, exact for every jiffy, negative when overdue', () => {
  assert.equal(seconds(0), '0.00 s');
  assert.equal(seconds(1), '0.01 s');
  assert.equal(seconds(1234), '12.34 s');
  assert.equal(seconds(6000), '60.00 s');
  assert.equal(seconds(-5), '-0.05 s');
  assert.equal(secondsValue(250), '2.50');
  assert.equal(seconds(0xffffffff), '42949672.95 s');
});

test('duration: whole seconds when exact, else milliseconds', () => {
  assert.equal(duration(0), '0 s');
  assert.equal(duration(1), '10 ms');
  assert.equal(duration(10), '100 ms');
  assert.equal(duration(100), '1 s');
  assert.equal(duration(150), '1500 ms');
  assert.equal(duration(6000), '60 s');
  assert.equal(duration(18000), '180 s');
});

test('clockText: the raw jiffies and the seconds', () => {
  assert.equal(clockText(0), '0 jiffies (0.00 s)');
  assert.equal(clockText(1204), '1204 jiffies (12.04 s)');
});
