/** A bar or line chart drawn by Chart.js on a canvas: nothing inline (no <style>, no style
 * attribute, no eval), so it runs under the page's Content-Security-Policy (style-src 'self').
 * Only the pieces the dashboard draws are registered, and this module is loaded with the
 * dashboard's own chunk (App.tsx loads the page lazily), not with the main one.
 *
 * A chart is a picture of a table that is on the page too: the canvas is an image with a
 * summary for screen readers (``label``), and the table stays the source of every number. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { useEffect, useRef } from "react";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

export type Series = {
  label: string;
  data: (number | null)[];
  // A --color-chart-* custom property of styles.css, so the chart follows the theme.
  colour: "first" | "second";
};

type Props = {
  type: "bar" | "line";
  labels: string[];
  series: Series[];
  // What the chart shows, for screen readers (the canvas is role="img").
  label: string;
  testId: string;
  // Percentages: the axis runs 0–100 and the ticks say "%".
  percent?: boolean;
};

// Long enough for a date in any of our languages ("12 кастрычніка 2026"), short for titles.
const LONGEST_TICK = 22;

function cssColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

function configuration({
  type,
  labels,
  series,
  percent,
}: Pick<Props, "type" | "labels" | "series" | "percent">): ChartConfiguration<"bar" | "line"> {
  const text = cssColour("--color-text", "#1c2430");
  const grid = cssColour("--color-border", "#d5dae1");
  const colours = {
    first: cssColour("--color-chart-first", "#1e3a5f"),
    second: cssColour("--color-chart-second", "#b45309"),
  };
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  return {
    type,
    data: {
      labels,
      datasets: series.map((s, index) => ({
        label: s.label,
        data: s.data,
        backgroundColor: colours[s.colour],
        borderColor: colours[s.colour],
        borderWidth: 2,
        // One appeal should not make one bar as wide as the page.
        maxBarThickness: 56,
        // Told apart by more than colour: a dashed line and square points for the second.
        borderDash: type === "line" && index > 0 ? [6, 4] : [],
        pointStyle: index > 0 ? "rect" : "circle",
        pointRadius: type === "line" ? 3 : 0,
        spanGaps: false,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion ? false : undefined,
      color: text,
      font: { family: cssColour("--font-sans", "system-ui, sans-serif") },
      plugins: {
        // Always shown, one series too: it says what the bars measure (days, a share).
        legend: { labels: { color: text, usePointStyle: true } },
        tooltip: {
          callbacks: percent ? { label: (item) => `${item.dataset.label ?? ""}: ${String(item.raw)}%` } : {},
        },
      },
      scales: {
        x: {
          grid: { color: grid },
          ticks: {
            color: text,
            // Long titles are cut on the axis; the tooltip and the table have them whole.
            callback(value) {
              const tick = this.getLabelForValue(Number(value));
              return tick.length > LONGEST_TICK ? `${tick.slice(0, LONGEST_TICK - 1)}…` : tick;
            },
          },
        },
        y: {
          beginAtZero: true,
          grid: { color: grid },
          ...(percent ? { max: 100 } : {}),
          ticks: {
            color: text,
            precision: 0,
            ...(percent ? { callback: (value: string | number) => `${String(value)}%` } : {}),
          },
        },
      },
    },
  };
}

export function ChartCanvas(props: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // Redrawn when what it shows changes, not on every render of the page.
  const drawn = JSON.stringify([props.type, props.labels, props.series, props.percent ?? false]);
  useEffect(() => {
    // No 2D context (a browser refusing canvas, or jsdom in tests): the table says it all.
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    const [type, labels, series, percent] = JSON.parse(drawn) as [Props["type"], string[], Series[], boolean];
    const chart = new Chart(context, configuration({ type, labels, series, percent }));
    return () => chart.destroy();
  }, [drawn]);
  return (
    <div className="chart" data-testid={props.testId}>
      <canvas ref={canvas} role="img" aria-label={props.label} />
    </div>
  );
}
