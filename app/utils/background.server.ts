// Work the server process does besides answering requests: filling the search indexes at start,
// draining the search outbox (which keeps the embedded index of this process current) and the
// periodic jobs. Started once per process.
import { runPeriodicJobs } from '#app/models/jobs.server.ts'
import { startSearchDrainLoop } from '#app/search/drain.server.ts'
import { getSearchEngine } from '#app/search/index.server.ts'
import { SEARCH_TYPES } from '#app/search/port.ts'
import { getDb } from './db.server.ts'

const JOB_INTERVAL_MS = 10 * 60_000
const globalForBackground = globalThis as unknown as { __bangfuBackground?: () => void }

export function startBackgroundWork(): () => void {
	if (globalForBackground.__bangfuBackground) return globalForBackground.__bangfuBackground
	const db = getDb()
	const stopDrain = startSearchDrainLoop(db, getSearchEngine(), { onError: (e) => console.error('[search]', e) })
	const runJobs = () =>
		runPeriodicJobs(db).then(
			(r) => {
				if (r.expiredNeeds || r.expiredOffers) console.log(`[jobs] expired ${r.expiredNeeds} needs, ${r.expiredOffers} offers`)
			},
			(e) => console.error('[jobs]', e),
		)
	// The embedded engine fills a type's index on first use, which takes half a minute for the
	// needs of a national install: do it now, so that no visitor waits for it.
	const warm = setTimeout(async () => {
		for (const type of SEARCH_TYPES) {
			const started = Date.now()
			try {
				const { total } = await getSearchEngine().search({ type, pageSize: 1 })
				if (Date.now() - started > 1_000) console.log(`[search] ${type} index ready: ${total} records in ${((Date.now() - started) / 1000).toFixed(1)} s`)
			} catch (e) {
				console.error('[search]', e)
			}
		}
	}, 500)
	warm.unref()
	const first = setTimeout(runJobs, 5_000)
	const timer = setInterval(runJobs, JOB_INTERVAL_MS)
	first.unref()
	timer.unref()
	const stop = () => {
		stopDrain()
		clearTimeout(warm)
		clearTimeout(first)
		clearInterval(timer)
		globalForBackground.__bangfuBackground = undefined
	}
	globalForBackground.__bangfuBackground = stop
	return stop
}
