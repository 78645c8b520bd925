// /api/v1/*: the JSON API. One dispatcher serves the endpoints of app/api/registry.server.ts (and
// nothing else); /api/v1/openapi.json is the public OpenAPI document. See docs/api.md.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { API_BASE, languageOf, problem, serveEndpoint, standardProblem } from '#app/api/http.server.ts'
import { buildOpenApi } from '#app/api/openapi.server.ts'
import { matchEndpoint } from '#app/api/registry.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { RETRY_AFTER_SECONDS, isServiceOutage } from '#app/utils/outage.server.ts'

let openapi: string | undefined

async function dispatch(request: Request) {
	const path = new URL(request.url).pathname.slice(API_BASE.length) || '/'
	if (path === '/openapi.json' && request.method === 'GET') {
		openapi ??= JSON.stringify(buildOpenApi())
		return new Response(openapi, { headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' } })
	}
	const match = matchEndpoint(request.method, path)
	const language = languageOf(request)
	if (!match.endpoint) {
		if (match.methods.length) return standardProblem('method_not_allowed', language, { headers: { Allow: match.methods.join(', ') } })
		return standardProblem('not_found', language)
	}
	try {
		return await serveEndpoint(match.endpoint, request, match.params, getDb())
	} catch (error) {
		// The database is unreachable: 503 with Retry-After, as the pages do (outage.server.ts).
		if (!isServiceOutage(error)) throw error
		return problem(503, 'service_unavailable', language === 'en' ? 'Service temporarily unavailable' : '服务暂时不可用', { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } })
	}
}

export const loader = ({ request }: LoaderFunctionArgs) => dispatch(request)
export const action = ({ request }: ActionFunctionArgs) => dispatch(request)
