import { beforeEach, expect, it } from 'vitest'
import { describeDb } from '#tests/setup/db.ts'
import { recordEvent } from './event.server.ts'
import { FIGURES_TTL_MS, forgetFigures, memoFigures } from './figures-cache.server.ts'

describeDb('figures cache', (ctx) => {
	beforeEach(() => forgetFigures(ctx.db))

	it('keeps figures until a state change is recorded, for at most the TTL, and hands out copies', async () => {
		let runs = 0
		const compute = async () => ({ runs: ++runs, rows: [1, 2] })
		const now = Date.now()
		const first = await memoFigures(ctx.db, 'k', compute, now)
		first.rows.push(99)
		expect(await memoFigures(ctx.db, 'k', compute, now + 1)).toEqual({ runs: 1, rows: [1, 2] })
		expect((await memoFigures(ctx.db, 'other', compute, now + 1)).runs).toBe(2)
		await recordEvent(ctx.db, { entityType: 'need', entityId: 'n1', action: 'publish' })
		expect((await memoFigures(ctx.db, 'k', compute, now + 2)).runs).toBe(3)
		expect((await memoFigures(ctx.db, 'k', compute, now + 3)).runs).toBe(3)
		expect((await memoFigures(ctx.db, 'k', compute, now + 3 + FIGURES_TTL_MS)).runs).toBe(4)
	})

	it('shares one computation between concurrent callers and does not keep a failure', async () => {
		let runs = 0
		let release: () => void = () => {}
		const gate = new Promise<void>((resolve) => (release = resolve))
		const slow = async () => {
			runs++
			await gate
			return runs
		}
		const both = Promise.all([memoFigures(ctx.db, 'slow', slow), memoFigures(ctx.db, 'slow', slow)])
		await new Promise((r) => setTimeout(r, 10))
		release()
		expect(await both).toEqual([1, 1])
		await expect(memoFigures(ctx.db, 'bad', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down')
		expect(await memoFigures(ctx.db, 'bad', async () => 'ok')).toBe('ok')
	})
})
