import type { DailySales } from '../../src/orders/sales-report.js';
import { formatMoney } from '../../src/lib/money.js';

/**
 * Daily revenue as a bar chart drawn on the server: plain SVG, no script, readable by screen
 * readers through its title and description, with the same figures as a table beside it.
 */

const WIDTH = 720;
const HEIGHT = 260;
const PLOT = { left: 84, right: 12, top: 16, bottom: 36 } as const;
const TICKS = 4;

/** A round step for the y axis (1, 2, 2.5 or 5 × 10ⁿ cents, at least one major unit) that fits `maxCents` in four ticks. */
export function chartScale(maxCents: number): { stepCents: number; topCents: number; ticks: number[] } {
  const wanted = Math.max(100, Math.ceil(Math.max(0, maxCents) / TICKS));
  let magnitude = 1;
  while (magnitude * 10 <= wanted) magnitude *= 10;
  const stepCents = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((step) => step >= wanted && Number.isInteger(step))!;
  const ticks = Array.from({ length: TICKS + 1 }, (_, index) => index * stepCents);
  return { stepCents, topCents: stepCents * TICKS, ticks };
}

const dayLabel = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const longDay = new Intl.DateTimeFormat('en', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
const asDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
const axisMoney = (cents: number, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(Math.round(cents / 100));

export const SALES_CHART_TITLE_ID = 'sales-chart-title';
export const SALES_CHART_DESC_ID = 'sales-chart-desc';

/** The summary a screen reader hears in place of the picture. */
export function chartDescription(days: DailySales[], currency: string): string {
  if (!days.length) return 'No days to show.';
  const total = days.reduce((sum, day) => sum + day.revenueCents, 0);
  const orders = days.reduce((sum, day) => sum + day.orders, 0);
  const range = `${dayLabel.format(asDate(days[0]!.date))} to ${dayLabel.format(asDate(days.at(-1)!.date))}`;
  if (total === 0) return `No sales from ${range}.`;
  const best = days.reduce((top, day) => (day.revenueCents > top.revenueCents ? day : top));
  return `Revenue per day from ${range}: ${formatMoney(total, currency)} from ${orders} ${orders === 1 ? 'order' : 'orders'} in all; the best day was ${dayLabel.format(asDate(best.date))} with ${formatMoney(best.revenueCents, currency)}.`;
}

export function SalesChart({ days, currency }: { days: DailySales[]; currency: string }): JSX.Element {
  const { topCents, ticks } = chartScale(Math.max(0, ...days.map((day) => day.revenueCents)));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const slot = plotWidth / Math.max(1, days.length);
  const y = (cents: number) => PLOT.top + plotHeight - (Math.max(0, cents) / topCents) * plotHeight;
  const round = (n: number) => Math.round(n * 10) / 10;
  return (
    <figure class="sales-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${SALES_CHART_TITLE_ID} ${SALES_CHART_DESC_ID}`} class="h-auto w-full" data-sales-chart>
        <title id={SALES_CHART_TITLE_ID}>Revenue per day, last {days.length} days</title>
        <desc id={SALES_CHART_DESC_ID} safe>
          {chartDescription(days, currency)}
        </desc>
        <g class="chart-grid">
          {ticks.map((tick) => (
            <>
              <line x1={String(PLOT.left)} x2={String(WIDTH - PLOT.right)} y1={String(round(y(tick)))} y2={String(round(y(tick)))} />
              <text x={String(PLOT.left - 8)} y={String(round(y(tick)) + 4)} text-anchor="end" safe>
                {axisMoney(tick, currency)}
              </text>
            </>
          ))}
        </g>
        <g class="chart-bars">
          {days.map((day, index) => {
            const top = y(day.revenueCents);
            return (
              <rect x={String(round(PLOT.left + index * slot + slot * 0.15))} y={String(round(top))} width={String(round(slot * 0.7))} height={String(round(PLOT.top + plotHeight - top))} data-chart-bar={day.date}>
                <title safe>{`${longDay.format(asDate(day.date))}: ${formatMoney(day.revenueCents, currency)}, ${day.orders} ${day.orders === 1 ? 'order' : 'orders'}`}</title>
              </rect>
            );
          })}
        </g>
        {/* A label a week apart, counting back from today, so they never crowd on a phone. */}
        <g class="chart-axis">
          <line x1={String(PLOT.left)} x2={String(WIDTH - PLOT.right)} y1={String(PLOT.top + plotHeight)} y2={String(PLOT.top + plotHeight)} />
          {days.map((day, index) =>
            (days.length - 1 - index) % 7 === 0 ? (
              <text
                x={String(round(index === days.length - 1 ? WIDTH - PLOT.right : PLOT.left + index * slot + slot / 2))}
                y={String(HEIGHT - PLOT.bottom + 22)}
                text-anchor={index === days.length - 1 ? 'end' : 'middle'}
                safe
              >
                {dayLabel.format(asDate(day.date))}
              </text>
            ) : (
              ''
            ),
          )}
        </g>
      </svg>
      <details class="mt-2 text-sm">
        <summary class="cursor-pointer font-medium text-brand-700">Revenue per day as a table</summary>
        <SalesTable days={days} currency={currency} />
      </details>
    </figure>
  );
}

function SalesTable({ days, currency }: { days: DailySales[]; currency: string }): JSX.Element {
  return (
    <div class="table-wrap mt-2">
      <table class="data-table" data-sales-table>
        <caption class="sr-only">Revenue and orders per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col" class="num">
              Orders
            </th>
            <th scope="col" class="num">
              Revenue
            </th>
          </tr>
        </thead>
        <tbody>
          {[...days].reverse().map((day) => (
            <tr>
              <td safe>{longDay.format(asDate(day.date))}</td>
              <td class="num">{day.orders}</td>
              <td class="num" safe>
                {formatMoney(day.revenueCents, currency)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
