// Every /api/v1 endpoint, in one list: the dispatcher serves exactly these, and the OpenAPI
// document describes exactly these (a test checks both).
import type { Endpoint } from './http.server.ts'
import { regionEndpoints } from './endpoints/regions.server.ts'
import { orgsEndpoints } from './endpoints/orgs.server.ts'
import { needsEndpoints } from './endpoints/needs.server.ts'
import { offersEndpoints } from './endpoints/offers.server.ts'
import { projectsEndpoints } from './endpoints/projects.server.ts'
import { commitmentsEndpoints } from './endpoints/commitments.server.ts'
import { indicatorsEndpoints } from './endpoints/indicators.server.ts'
import { needWritesEndpoints } from './endpoints/need-writes.server.ts'
import { offerWritesEndpoints } from './endpoints/offer-writes.server.ts'
import { commitmentWritesEndpoints } from './endpoints/commitment-writes.server.ts'

export const ENDPOINTS: Endpoint[] = [
	...regionEndpoints,
	...orgsEndpoints,
	...needsEndpoints,
	...offersEndpoints,
	...projectsEndpoints,
	...commitmentsEndpoints,
	...indicatorsEndpoints,
	...needWritesEndpoints,
	...offerWritesEndpoints,
	...commitmentWritesEndpoints,
]

type Compiled = { endpoint: Endpoint; pattern: RegExp; names: string[] }

const compiled: Compiled[] = ENDPOINTS.map((endpoint) => {
	const names: string[] = []
	const source = endpoint.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
		names.push(name)
		return '([^/]+)'
	})
	return { endpoint, pattern: new RegExp(`^${source}$`), names }
})

/**
 * The endpoint for a method and a path under /api/v1 ('/needs/01…'), with its path parameters;
 * `methods` lists what the path allows when the method does not match (405), empty for no path.
 */
export function matchEndpoint(method: string, path: string): { endpoint?: Endpoint; params: Record<string, string>; methods: string[] } {
	const methods: string[] = []
	for (const c of compiled) {
		const m = c.pattern.exec(path)
		if (!m) continue
		if (c.endpoint.method === method.toLowerCase()) {
			const params: Record<string, string> = {}
			c.names.forEach((name, i) => {
				params[name] = decodeURIComponent(m[i + 1])
			})
			return { endpoint: c.endpoint, params, methods: [] }
		}
		methods.push(c.endpoint.method.toUpperCase())
	}
	return { params: {}, methods }
}
