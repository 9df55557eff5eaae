import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import type { DailySales } from '../../src/orders/sales-report.js';
import { windowStart } from '../../src/orders/sales-report.js';
import { chartDescription, chartScale, SalesChart } from '../../views/admin/sales-chart.js';

const days = (revenue: number[]): DailySales[] =>
  revenue.map((revenueCents, index) => ({ date: new Date(Date.UTC(2026, 10, 1 + index)).toISOString().slice(0, 10), orders: revenueCents > 0 ? 1 : 0, revenueCents }));

const render = async (data: DailySales[], currency = 'USD') => parse(await SalesChart({ days: data, currency }));

describe('chartScale', () => {
  it('picks a round step that fits the largest day in four ticks', () => {
    expect(chartScale(0)).toEqual({ stepCents: 100, topCents: 400, ticks: [0, 100, 200, 300, 400] });
    expect(chartScale(10_000).stepCents).toBe(2_500);
    expect(chartScale(17_000).stepCents).toBe(5_000);
    expect(chartScale(123_456).stepCents).toBe(50_000);
    expect(chartScale(999_999_99).topCents).toBeGreaterThanOrEqual(999_999_99);
    for (const max of [1, 99, 401, 12_345, 7_777_777]) {
      const { stepCents, topCents } = chartScale(max);
      expect(topCents).toBeGreaterThanOrEqual(max);
      expect(Number.isInteger(stepCents)).toBe(true);
      expect(stepCents % 100).toBe(0); // whole major units on the axis
    }
  });
});

describe('SalesChart', () => {
  it('draws one bar per day, scaled to the axis, with an accessible name and a table alternative', async () => {
    const revenue = Array.from({ length: 30 }, (_, index) => (index === 29 ? 10_000 : index === 10 ? 2_500 : 0));
    const root = await render(days(revenue));
    const svg = root.querySelector('svg')!;
    expect(svg.getAttribute('role')).toBe('img');
    const [titleId, descId] = svg.getAttribute('aria-labelledby')!.split(' ');
    expect(svg.querySelector(`title#${titleId}`)!.text).toBe('Revenue per day, last 30 days');
    expect(svg.querySelector(`desc#${descId}`)!.text).toBe(
      'Revenue per day from Nov 1 to Nov 30: $125.00 from 2 orders in all; the best day was Nov 30 with $100.00.',
    );
    const bars = svg.querySelectorAll('rect[data-chart-bar]');
    expect(bars).toHaveLength(30);
    const heights = bars.map((bar) => Number(bar.getAttribute('height')));
    expect(heights[29]).toBeCloseTo(heights[10]! * 4, 0);
    expect(heights.filter((height) => height > 0)).toHaveLength(2);
    // The axis is labelled in round amounts, and a day a week along the bottom, ending today.
    expect(svg.querySelectorAll('.chart-grid text').map((text) => text.text)).toEqual(['$0', '$25', '$50', '$75', '$100']);
    expect(svg.querySelectorAll('.chart-axis text').map((text) => text.text)).toEqual(['Nov 2', 'Nov 9', 'Nov 16', 'Nov 23', 'Nov 30']);
    const rows = root.querySelectorAll('details table tbody tr');
    expect(rows).toHaveLength(30);
    expect(rows[0]!.querySelectorAll('td').map((cell) => cell.text)).toEqual(['Mon, Nov 30', '1', '$100.00']);
  });

  it('says so when there were no sales, and draws flat bars', async () => {
    const data = days(Array.from({ length: 30 }, () => 0));
    expect(chartDescription(data, 'USD')).toBe('No sales from Nov 1 to Nov 30.');
    const root = await render(data, 'EUR');
    expect(root.querySelectorAll('rect').every((bar) => bar.getAttribute('height') === '0')).toBe(true);
    expect(root.querySelector('.chart-grid text:last-of-type')!.text).toBe('€4');
  });
});

describe('windowStart', () => {
  it('starts windows at UTC midnight, today included', () => {
    const now = new Date('2026-11-25T17:45:00Z');
    expect(windowStart(now, 1).toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(windowStart(now, 7).toISOString()).toBe('2026-11-19T00:00:00.000Z');
    expect(windowStart(now, 30).toISOString()).toBe('2026-10-27T00:00:00.000Z');
  });
});
