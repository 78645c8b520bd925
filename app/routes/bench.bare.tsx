// /bench/bare: a page with no work of its own, the baseline `npm run bench` sets every measured
// page against in the same run (same server, root loader, layout and headers; only the page's own
// loader and markup differ). Served only to the bench's server (BANGFU_BENCH=1); elsewhere it is a
// 404 like any unknown path.
import { type MetaFunction, data } from '@remix-run/node'
import { notFound } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '基准页 Baseline · 帮扶 Bangfu' }]

export function loader() {
	if (process.env.BANGFU_BENCH !== '1') notFound()
	return data({ ok: true })
}

export default function BenchBare() {
	return (
		<main>
			<h1 lang="zh-CN">基准页</h1>
			<p lang="en">Baseline page for the benchmark.</p>
		</main>
	)
}
