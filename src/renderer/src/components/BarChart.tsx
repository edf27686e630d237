import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartDataset } from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface BarSeries {
  label: string;
  values: number[];
  /** A CSS custom property of the theme: '--accent'. */
  colorVar: string;
  /** Its own scale on the right, when its numbers are of another size (listens beside tracks). */
  rightAxis?: boolean;
}

interface Props {
  /** What the chart shows, for screen readers. */
  label: string;
  labels: string[];
  series: BarSeries[];
}

/** Theme colours are CSS variables; the canvas needs them as values, read again when the scheme changes. */
function themeColors(element: Element) {
  const style = getComputedStyle(element);
  const value = (name: string) => style.getPropertyValue(name).trim() || '#888';
  return { value, text: value('--text'), muted: value('--muted'), grid: value('--border'), panel: value('--panel') };
}

function datasets(series: BarSeries[], colors: ReturnType<typeof themeColors>): ChartDataset<'bar', number[]>[] {
  return series.map((s) => ({
    label: s.label,
    data: s.values,
    backgroundColor: colors.value(s.colorVar),
    borderRadius: 2,
    maxBarThickness: 28,
    categoryPercentage: 0.8,
    barPercentage: 0.9,
    yAxisID: s.rightAxis ? 'right' : 'left',
  }));
}

/**
 * A bar chart drawn by chart.js on a canvas: created on mount, destroyed on
 * unmount, its data replaced in place when the props change. The canvas
 * holds a table of the same numbers for screen readers.
 */
export function BarChart({ label, labels, series }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar', number[], string> | null>(null);
  const colorVars = useRef<string[]>([]);
  const hasRight = series.some((s) => s.rightAxis);

  useEffect(() => {
    const element = canvas.current!;
    const colors = themeColors(element);
    const instance = new Chart<'bar', number[], string>(element, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: { duration: 250 },
        interaction: { mode: 'index', intersect: false },
        font: { family: getComputedStyle(element).fontFamily },
        plugins: {
          legend: { position: 'top', align: 'end', labels: { boxWidth: 12, boxHeight: 12, color: colors.text } },
          tooltip: { backgroundColor: colors.panel, titleColor: colors.text, bodyColor: colors.text, borderColor: colors.grid, borderWidth: 1 },
        },
        scales: {
          x: { grid: { display: false }, ticks: { color: colors.muted, autoSkipPadding: 8, maxRotation: 0 }, border: { color: colors.grid } },
          left: {
            position: 'left',
            beginAtZero: true,
            ticks: { color: colors.muted, precision: 0 },
            grid: { color: colors.grid },
            border: { display: false },
            title: { display: false, text: '', color: colors.muted },
          },
          right: {
            position: 'right',
            beginAtZero: true,
            display: false,
            ticks: { color: colors.muted, precision: 0 },
            grid: { drawOnChartArea: false },
            border: { display: false },
            title: { display: false, text: '', color: colors.muted },
          },
        },
      },
    });
    chart.current = instance;
    // Dark mode can change while the chart is on screen.
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    const recolor = () => {
      const c = themeColors(element);
      const options = instance.options;
      options.plugins!.legend!.labels!.color = c.text;
      Object.assign(options.plugins!.tooltip!, { backgroundColor: c.panel, titleColor: c.text, bodyColor: c.text, borderColor: c.grid });
      for (const scale of Object.values(options.scales!)) {
        if (!scale) continue;
        Object.assign(scale.ticks!, { color: c.muted });
        if (scale.grid && scale !== options.scales!.x) scale.grid.color = c.grid;
      }
      instance.data.datasets.forEach((d, i) => (d.backgroundColor = c.value(colorVars.current[i] ?? '--accent')));
      instance.update('none');
    };
    scheme.addEventListener('change', recolor);
    return () => {
      scheme.removeEventListener('change', recolor);
      instance.destroy();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    colorVars.current = series.map((s) => s.colorVar);
    instance.data.labels = labels;
    instance.data.datasets = datasets(series, themeColors(canvas.current!));
    const right = instance.options.scales!.right!;
    right.display = hasRight;
    const left = instance.options.scales!.left!;
    // With two scales, each names what it counts.
    const leftSeries = series.find((s) => !s.rightAxis);
    const rightSeries = series.find((s) => s.rightAxis);
    Object.assign(left.title!, { display: hasRight, text: leftSeries?.label ?? '' });
    Object.assign(right.title!, { display: hasRight, text: rightSeries?.label ?? '' });
    instance.update();
  }, [labels, series, hasRight]);

  return (
    <div className="bar-chart" role="figure" aria-label={label}>
      <canvas ref={canvas}>
        <table>
          <caption>{label}</caption>
          <thead>
            <tr>
              <th scope="col" />
              {series.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((l, i) => (
              <tr key={l}>
                <th scope="row">{l}</th>
                {series.map((s) => (
                  <td key={s.label}>{s.values[i] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </canvas>
    </div>
  );
}
