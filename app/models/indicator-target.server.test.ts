import { beforeAll, expect, it } from 'vitest'
import { AppError } from '#app/utils/errors.ts'
import { describeDb } from '#tests/setup/db.ts'
import { countRows, makeAccount, actorFor, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import type { Actor } from './policy.server.ts'
import { actualVsTarget, clearTarget, listTargets, parseTargetValue, setTarget } from './indicator-target.server.ts'
import { type Indicators } from './indicator.server.ts'
import { loadSubject } from './subject.server.ts'

async function refusal(p: Promise<unknown>): Promise<AppError> {
	try {
		await p
	} catch (e) {
		if (e instanceof AppError) return e
		throw e
	}
	throw new Error('expected an AppError')
}

it('parses targets in each unit and refuses negative or malformed ones, naming the field', () => {
	expect(parseTargetValue('funds_verified', '1,234.5')).toBe(123_450)
	expect(parseTargetValue('jobs', '200')).toBe(200)
	expect(parseTargetValue('on_time_rate', '85.5')).toBe(855)
	expect(parseTargetValue('on_time_rate', '100')).toBe(1000)
	for (const [indicator, raw, key] of [
		['funds_verified', '-5', 'indicators.errors.target_negative'],
		['funds_verified', '', 'indicators.errors.target_required'],
		['funds_verified', '1.234', 'indicators.errors.target_format_fen'],
		['jobs', '2.5', 'indicators.errors.target_format_people'],
		['on_time_rate', '101', 'indicators.errors.target_percent'],
		['on_time_rate', 'abc', 'indicators.errors.target_format_permille'],
	] as const) {
		let error: unknown
		try {
			parseTargetValue(indicator, raw)
		} catch (e) {
			error = e
		}
		expect(error).toBeInstanceOf(AppError)
		expect((error as AppError).fields).toEqual({ target: key })
	}
})

it('compares actuals with targets, lower-is-better for days', () => {
	const actuals = { funds_verified: 50_000, median_days_to_commitment: 10, jobs: null } as unknown as Indicators
	const rows = actualVsTarget(actuals, { funds_verified: 100_000, median_days_to_commitment: 5, jobs: 3 })
	expect(rows.find((r) => r.indicator === 'funds_verified')).toMatchObject({ actual: 50_000, target: 100_000, achievement: 500 })
	expect(rows.find((r) => r.indicator === 'median_days_to_commitment')).toMatchObject({ achievement: 500 })
	expect(rows.find((r) => r.indicator === 'jobs')).toMatchObject({ actual: null, target: 3, achievement: null })
})

describeDb('indicator targets', (ctx) => {
	let county: Actor
	let other: Actor
	beforeAll(async () => {
		await seedRegions(ctx.db)
		county = await makeOfficial(ctx.db, '513431000000')
		other = await makeOfficial(ctx.db, '513432000000')
	})

	it('an official sets, replaces and clears a target for a region in the jurisdiction', async () => {
		const subject = await loadSubject(ctx.db, 'region', '513431100000')
		await setTarget(ctx.db, subject, 2026, 'funds_verified', '5000', county)
		await setTarget(ctx.db, subject, 2026, 'funds_verified', '6000.50', county)
		await setTarget(ctx.db, subject, 2026, 'on_time_rate', '90', county)
		expect(await listTargets(ctx.db, subject, 2026)).toEqual({ funds_verified: 600_050, on_time_rate: 900 })
		expect(await listTargets(ctx.db, subject, 2027)).toEqual({})
		await clearTarget(ctx.db, subject, 2026, 'on_time_rate', county)
		expect(await listTargets(ctx.db, subject, 2026)).toEqual({ funds_verified: 600_050 })
	})

	it('refuses officials outside the jurisdiction, bad years, unknown indicators and negative targets, writing nothing', async () => {
		const plain = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		const before = await countRows(ctx.db, 'indicatorTarget')
		const events = await countRows(ctx.db, 'event')
		const subject = await loadSubject(ctx.db, 'region', '513431000000')
		expect((await refusal(setTarget(ctx.db, subject, 2026, 'jobs', '10', other))).code).toBe('forbidden')
		expect((await refusal(setTarget(ctx.db, subject, 1999, 'jobs', '10', county))).fields).toEqual({ year: 'indicators.errors.year' })
		expect((await refusal(setTarget(ctx.db, subject, 2026, 'happiness', '10', county))).fields).toEqual({ indicator: 'indicators.errors.indicator' })
		expect((await refusal(setTarget(ctx.db, subject, 2026, 'jobs', '-10', county))).fields).toEqual({ target: 'indicators.errors.target_negative' })
		expect((await refusal(setTarget(ctx.db, subject, 2026, 'jobs', '10', plain))).code).toBe('forbidden')
		expect(await countRows(ctx.db, 'indicatorTarget')).toBe(before)
		expect(await countRows(ctx.db, 'event')).toBe(events)
	})

	it('a provider with a region is supervised there; one without a region only by a national admin', async () => {
		const local = await loadSubject(ctx.db, 'org', await makeOrg(ctx.db, 'enterprise', { regionCode: '513431100000' }))
		await setTarget(ctx.db, local, 2026, 'jobs', '12', county)
		expect(await listTargets(ctx.db, local, 2026)).toEqual({ jobs: 12 })
		const central = await loadSubject(ctx.db, 'org', await makeOrg(ctx.db, 'central_unit'))
		expect((await refusal(setTarget(ctx.db, central, 2026, 'jobs', '12', county))).code).toBe('forbidden')
		const admin = await actorFor(ctx.db, (await makeAccount(ctx.db, { isNationalAdmin: true })).id)
		await setTarget(ctx.db, central, 2026, 'jobs', '12', admin)
		expect(await listTargets(ctx.db, central, 2026)).toEqual({ jobs: 12 })
	})
})
