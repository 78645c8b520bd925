import { afterEach, expect, it } from 'vitest'
import { runRoute } from '#tests/setup/route.ts'
import { loader } from './bench.bare.tsx'

const before = process.env.BANGFU_BENCH
afterEach(() => {
	if (before === undefined) delete process.env.BANGFU_BENCH
	else process.env.BANGFU_BENCH = before
})

it('the bench baseline page is a 404 unless the server runs for the bench', async () => {
	delete process.env.BANGFU_BENCH
	const off = await runRoute(loader, new Request('http://localhost/bench/bare'))
	expect(off.status).toBe(404)
	expect(off.thrown).toBe(true)
	process.env.BANGFU_BENCH = '1'
	const on = await runRoute(loader, new Request('http://localhost/bench/bare'))
	expect(on.status).toBe(200)
	expect(on.data).toEqual({ ok: true })
})
