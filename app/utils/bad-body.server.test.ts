// A body that cannot be read as a form is a 400, never the 500 page: the real parse error of a
// route action goes through entry.server.tsx's hooks.
import type { AppLoadContext, EntryContext } from '@remix-run/node'
import { beforeAll, describe, expect, it } from 'vitest'
import { isMalformedBody } from './bad-body.server.ts'

type Entry = typeof import('#app/entry.server.tsx')
let entry: Entry
beforeAll(async () => {
	process.env.BANGFU_BACKGROUND = 'off'
	entry = await import('#app/entry.server.tsx')
})

async function parseError(type: string, body: string): Promise<unknown> {
	try {
		await new Request('http://localhost/login', { method: 'POST', headers: { 'Content-Type': type }, body }).formData()
	} catch (error) {
		return error
	}
	return undefined
}

describe('malformed form bodies', () => {
	it('recognises the parse errors of request.formData(), and nothing else', async () => {
		expect(isMalformedBody(await parseError('multipart/form-data', 'garbage'))).toBe(true)
		expect(isMalformedBody(await parseError('multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--'))).toBe(true)
		expect(isMalformedBody(new Error('malformed multipart-form header'))).toBe(true)
		expect(isMalformedBody(new TypeError('bug'))).toBe(false)
		expect(isMalformedBody('text')).toBe(false)
	})

	it('answers a page or a data request with 400 and a bilingual page, not the 500 page', async () => {
		const error = await parseError('multipart/form-data', 'garbage')
		const page = new Request('http://localhost/login', { method: 'POST' })
		entry.handleError(error as Error, { request: page, params: {}, context: {} as AppLoadContext })
		const res = (await entry.default(page, 500, new Headers(), {} as EntryContext, {} as AppLoadContext)) as Response
		expect(res.status).toBe(400)
		expect(res.headers.get('Content-Security-Policy')).toBeTruthy()
		const html = await res.text()
		expect(html).toContain('请求无法读取')
		expect(html).toContain('Bad request')
		const data = new Request('http://localhost/login.data', { method: 'POST' })
		entry.handleError(error as Error, { request: data, params: {}, context: {} as AppLoadContext })
		expect((await entry.handleDataRequest(new Response('x', { status: 500 }), { request: data, params: {}, context: {} as AppLoadContext })).status).toBe(400)
	})
})
