// Work the server process does besides answering requests: draining the search outbox (which
// keeps the embedded index of this process current) and the periodic jobs. Started once per process.
import { runPeriodicJobs } from '#app/models/jobs.server.ts'
import { startSearchDrainLoop } from '#app/search/drain.server.ts'
import { getSearchEngine } from '#app/search/index.server.ts'
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
	const first = setTimeout(runJobs, 5_000)
	const timer = setInterval(runJobs, JOB_INTERVAL_MS)
	first.unref()
	timer.unref()
	const stop = () => {
		stopDrain()
		clearTimeout(first)
		clearInterval(timer)
		globalForBackground.__bangfuBackground = undefined
	}
	globalForBackground.__bangfuBackground = stop
	return stop
}
