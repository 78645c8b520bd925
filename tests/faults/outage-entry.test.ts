// The Remix hooks of app/entry.server.tsx that turn an unreachable database into a 503: handleError
// marks the request, handleRequest answers a page request with the static 503 page, and
// handleDataRequest sends a client-side navigation to that page. The whole path through a real
// server and a real MariaDB restart is tests/faults/run.ts.
import type { AppLoadContext, EntryContext } from '@remix-run/node'
import { data } from '@remix-run/node'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { AppError } from '#app/utils/errors.ts'

type Entry = typeof import('#app/entry.server.tsx')
let entry: Entry

beforeAll(async () => {
	// Importing the entry starts the background drain and jobs unless told not to.
	process.env.BANGFU_BACKGROUND = 'off'
	entry = await import('#app/entry.server.tsx')
})

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', errno: -111, fatal: true })
const args = (request: Request) => ({ request, params: {}, context: {} as AppLoadContext })

describe('entry.server: database outage → 503', () => {
	it('a page request whose loader met a refused connection gets the 503 page, without the error', async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
		const request = new Request('http://localhost/needs')
		entry.handleError(refused(), args(request))
		const res = (await entry.default(request, 500, new Headers(), {} as EntryContext, {} as AppLoadContext)) as Response
		expect(res.status).toBe(503)
		expect(res.headers.get('Retry-After')).toMatch(/^\d+$/)
		expect(res.headers.get('Content-Security-Policy')).toBeTruthy()
		const html = await res.text()
		expect(html).toContain('服务暂时不可用')
		expect(html).toContain('Service temporarily unavailable')
		expect(html).not.toMatch(/ECONNREFUSED|3306|stack/i)
		expect(warn).toHaveBeenCalledTimes(1)
		expect(String(warn.mock.calls[0][0])).toMatch(/ECONNREFUSED.*503/)
		warn.mockRestore()
	})

	it('a client-side navigation (single-fetch data request) reloads as a document', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {})
		const request = new Request('http://localhost/needs/new.data?_routes=routes%2Fneeds.new&q=1')
		entry.handleError(Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), args(request))
		const res = await entry.handleDataRequest(new Response('turbo', { status: 500 }), args(request))
		expect(res.status).toBe(302)
		expect(res.headers.get('Location')).toBe('/needs/new?q=1')
		expect(res.headers.get('X-Remix-Reload-Document')).toBe('true')
		vi.restoreAllMocks()
	})

	it('a domain error or a bug is not an outage: the normal pages and data responses', async () => {
		const error = vi.spyOn(console, 'error').mockImplementation(() => {})
		const request = new Request('http://localhost/needs/x.data')
		entry.handleError(AppError.notFound(), args(request))
		entry.handleError(new TypeError('bug'), args(request))
		entry.handleError(data({ message: 'errors.forbidden' }, { status: 403 }) as unknown as Error, args(request))
		const passed = new Response('turbo', { status: 500 })
		const res = await entry.handleDataRequest(passed, args(request))
		expect(res).toBe(passed)
		expect(res.status).toBe(500)
		expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
		expect(error).toHaveBeenCalled()
		vi.restoreAllMocks()
	})

	it('an outage in one request does not mark another', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {})
		const down = new Request('http://localhost/a.data')
		const other = new Request('http://localhost/a.data')
		entry.handleError(refused(), args(down))
		const res = await entry.handleDataRequest(new Response('ok'), args(other))
		expect(res.status).toBe(200)
		vi.restoreAllMocks()
	})
})
