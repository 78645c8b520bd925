// npm run jobs [-- --once]: runs the periodic jobs (expiries, housekeeping) every 10 minutes, or
// once. Safe beside a running server and safe to start twice: each job changes a row only once.
// The server process runs the same jobs itself; this is for deployments that separate them.
import { parseArgs } from 'node:util'
import { runPeriodicJobs } from '#app/models/jobs.server.ts'
import { createDb } from '#app/utils/db.server.ts'
import { migrateToLatest } from '#db/migrate.ts'

const { values } = parseArgs({ options: { once: { type: 'boolean', default: false } }, strict: true })
const { db } = createDb()
async function tick() {
	const r = await runPeriodicJobs(db)
	console.log(`${new Date().toISOString()} expired needs ${r.expiredNeeds}, offers ${r.expiredOffers}, sessions ${r.expiredSessions}`)
}
try {
	await migrateToLatest(db)
	await tick()
	if (!values.once) {
		const timer = setInterval(() => tick().catch((e) => console.error(e)), 10 * 60_000)
		const stop = () => {
			clearInterval(timer)
			db.destroy().then(() => process.exit(0))
		}
		process.on('SIGTERM', stop)
		process.on('SIGINT', stop)
	}
} finally {
	if (values.once) await db.destroy()
}
