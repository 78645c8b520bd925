// A chart drawn in the browser only. ECharts is imported lazily in an effect, so it never runs on
// the server and stays out of the first bundle; without JavaScript nothing is drawn (and no empty
// box is left), which is why every chart sits beside an HTML table holding the same figures: the
// chart is aria-hidden and the table is its accessible equivalent.
// NOTE: the SVG renderer and the modular build need no eval or inline script, so the strict CSP
// (entry.server.tsx) holds; the only `new Function` in ECharts parses GeoJSON strings (unused).
import { useEffect, useRef, useState } from 'react'

/** A plain ECharts option object (series, axes, tooltip…). */
export type ChartOption = Record<string, unknown>

type EChartsInstance = { setOption: (option: ChartOption, notMerge?: boolean) => void; resize: () => void; dispose: () => void }

let loading: Promise<{ init: (el: HTMLElement, theme?: string | null, opts?: Record<string, unknown>) => EChartsInstance }> | undefined

function loadECharts() {
	loading ??= Promise.all([import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers')]).then(([core, charts, components, renderers]) => {
		core.use([charts.BarChart, charts.LineChart, components.GridComponent, components.TooltipComponent, components.LegendComponent, renderers.SVGRenderer])
		return core as unknown as { init: (el: HTMLElement, theme?: string | null, opts?: Record<string, unknown>) => EChartsInstance }
	})
	return loading
}

export function Chart({ option, height = 280 }: { option: ChartOption; height?: number }) {
	const ref = useRef<HTMLDivElement>(null)
	const chart = useRef<EChartsInstance | null>(null)
	// Only after hydration: server HTML and no-JS visitors get no chart box at all.
	const [hydrated, setHydrated] = useState(false)
	useEffect(() => setHydrated(true), [])

	useEffect(() => {
		if (!hydrated || !ref.current) return
		let cancelled = false
		let observer: ResizeObserver | undefined
		loadECharts()
			.then((echarts) => {
				if (cancelled || !ref.current) return
				chart.current = echarts.init(ref.current, null, { renderer: 'svg' })
				const reduceMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches
				chart.current.setOption({ animation: !reduceMotion, ...option }, true)
				observer = new ResizeObserver(() => chart.current?.resize())
				observer.observe(ref.current)
			})
			.catch(() => {
				// The table beside the chart holds the same figures; a failed chunk load loses nothing.
			})
		return () => {
			cancelled = true
			observer?.disconnect()
			chart.current?.dispose()
			chart.current = null
		}
	}, [hydrated, option])

	if (!hydrated) return null
	return <div ref={ref} aria-hidden="true" style={{ width: '100%', height }} />
}
