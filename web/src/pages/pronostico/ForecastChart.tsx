import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ForecastAnswer, SalesHistory } from '../../api/views-ops';
import { formatDayMonth, formatNumber } from '../../lib/format';

/** Sales history, then the 14-day forecast: the p50 line and the band up to p90. */
export function ForecastChart({ history, forecast }: { history: SalesHistory; forecast: ForecastAnswer }) {
  // Forecasts of every location are summed per day, like the history.
  const fc = new Map<string, { p50: number; p90: number }>();
  for (const f of forecast.items) {
    const cur = fc.get(f.day) ?? { p50: 0, p90: 0 };
    fc.set(f.day, { p50: cur.p50 + Number(f.p50), p90: cur.p90 + Number(f.p90) });
  }
  const data = [
    ...history.items.map((h) => ({ day: h.day, vendido: Number(h.quantity) })),
    ...[...fc.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, v]) => ({ day, p50: v.p50, banda: [v.p50, v.p90] as [number, number] })),
  ];
  return (
    <div role="img" aria-label={`Ventas de ${forecast.name} y pronóstico de 14 días con banda hasta el percentil 90`} style={{ width: '100%', height: 260 }}>
      <ResponsiveContainer>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" tickFormatter={(d: string) => formatDayMonth(d)} minTickGap={16} />
          <YAxis />
          <Tooltip labelFormatter={(d) => formatDayMonth(String(d))} formatter={(v) => (Array.isArray(v) ? `${formatNumber(v[0])} – ${formatNumber(v[1])}` : formatNumber(v as number))} />
          <Legend />
          <Area dataKey="banda" name="Rango probable (hasta p90)" fill="#74c0fc" stroke="none" fillOpacity={0.45} isAnimationActive={false} className="forecast-band" />
          <Line dataKey="vendido" name="Vendido" stroke="#495057" dot={false} isAnimationActive={false} />
          <Line dataKey="p50" name="Pronóstico (p50)" stroke="#1c7ed6" strokeWidth={2} dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
