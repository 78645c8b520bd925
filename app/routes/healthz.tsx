import { publicContext } from '#app/utils/auth.server.ts'
import { pingDatabase } from '#app/models/health.server.ts'

/** Liveness and database reachability, for load balancers and the e2e harness. */
export async function loader() {
	const { db } = publicContext()
	const ok = await pingDatabase(db)
	return new Response(ok ? 'ok' : 'database unavailable', { status: ok ? 200 : 503, headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' } })
}
