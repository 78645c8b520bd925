// What the benchmark and data scripts share: deterministic randomness, bulk inserts, the
// vocabulary of generated needs and offers, and the accounts bench:data creates for bench.
import type { Kysely } from 'kysely'
import type { DB, NeedCategory } from '#db/schema.ts'

/** mulberry32: the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number) {
	let state = seed | 0
	const random = () => {
		state = (state + 0x6d2b79f5) | 0
		let t = state
		t = Math.imul(t ^ (t >>> 15), t | 1)
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296
	}
	const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
	/** A key drawn in proportion to its weight (one random number). */
	const weighted = <T extends string>(weights: Record<T, number>): T => {
		const entries = Object.entries(weights) as Array<[T, number]>
		let r = random() * entries.reduce((s, [, w]) => s + w, 0)
		for (const [k, w] of entries) if ((r -= w) < 0) return k
		return entries[entries.length - 1][0]
	}
	/** `n` distinct items (a Fisher–Yates shuffle of a copy: length - 1 random numbers). */
	const sample = <T>(items: readonly T[], n: number): T[] => {
		const copy = [...items]
		for (let i = copy.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1))
			;[copy[i], copy[j]] = [copy[j], copy[i]]
		}
		return copy.slice(0, n)
	}
	return { random, int, pick, weighted, sample }
}

/** Bulk insert: multi-row statements of `size` rows, a transaction per 20 statements. */
export async function insertAll(db: Kysely<DB>, table: keyof DB, rows: object[], size = 500) {
	const any = db as unknown as Kysely<any>
	for (let i = 0; i < rows.length; i += size * 20) {
		const slice = rows.slice(i, i + size * 20)
		await any.transaction().execute(async (trx) => {
			for (let j = 0; j < slice.length; j += size) await trx.insertInto(table).values(slice.slice(j, j + size)).execute()
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Vocabulary of generated needs and offers

export const TOPICS: Record<NeedCategory, string[]> = {
	industry: ['食用菌种植', '茶叶产业', '中药材种植', '肉牛养殖', '蔬菜大棚', '农产品加工', '乡村旅游', '电商直播带货', '刺梨产业', '辣椒种植'],
	talent: ['致富带头人培训', '村干部能力提升', '农业技术培训', '电商人才培训', '乡村工匠培育'],
	culture: ['村史馆建设', '非遗传承', '文化广场', '农家书屋', '移风易俗宣传'],
	ecology: ['人居环境整治', '垃圾分类', '污水处理', '厕所改造', '植树造林'],
	organization: ['党建结对共建', '村集体经济', '基层治理培训', '议事协商'],
	infrastructure: ['村道硬化', '饮水安全', '光伏电站', '宽带入户', '危房改造', '产业路建设'],
	education: ['助学金', '支教老师', '图书捐赠', '职业教育', '营养午餐'],
	health: ['义诊', '村卫生室', '健康筛查', '远程医疗', '巡回医疗队'],
	employment: ['劳务输出', '就业帮扶车间', '公益性岗位', '技能就业培训', '劳务协作'],
	consumption: ['农产品采购', '茶叶采购', '消费帮扶专柜', '食堂采购', '直播销售'],
	social_protection: ['留守儿童关爱', '空巢老人照料', '残疾人康复', '困难群众救助', '儿童之家'],
}
export const CATEGORY_WEIGHTS: Record<NeedCategory, number> = {
	industry: 20,
	talent: 10,
	culture: 4,
	ecology: 6,
	organization: 3,
	infrastructure: 10,
	education: 12,
	health: 8,
	employment: 12,
	consumption: 12,
	social_protection: 6,
}
// A quantity's unit follows from what is counted.
export const UNIT_OF: Record<NeedCategory, string[]> = {
	industry: ['吨', '个'],
	talent: ['人'],
	culture: ['个'],
	ecology: ['个'],
	organization: ['人'],
	infrastructure: ['个'],
	education: ['人'],
	health: ['人次'],
	employment: ['人', '个'],
	consumption: ['吨'],
	social_protection: ['人'],
}

// ---------------------------------------------------------------------------------------------
// The accounts bench:data creates (scripts/bench.ts signs in as them)

export const BENCH_ACCOUNTS = [
	{ username: 'bench-admin', displayName: '基准测试 全国管理员', role: 'national admin (no org)' },
	{ username: 'bench-province', displayName: '基准测试 贵州省官员', role: 'owner of the government org of 贵州省 (520000000000)' },
	{ username: 'bench-county', displayName: '基准测试 县级官员', role: 'owner of the government org of the key county with the most published needs' },
	{ username: 'bench-village', displayName: '基准测试 村委会主任', role: 'owner of the village org with the most needs' },
	{ username: 'bench-provider', displayName: '基准测试 中央单位联络员', role: 'owner of the first central unit' },
] as const

export type BenchUsername = (typeof BENCH_ACCOUNTS)[number]['username']

export const BENCH_PASSWORD_ENV = 'BANGFU_BENCH_PASSWORD'
export const BENCH_DEFAULT_PASSWORD = 'Bangfu-Bench-2026'

/** The bench accounts' password: BANGFU_BENCH_PASSWORD, or the default. */
export function benchPassword(): string {
	return process.env[BENCH_PASSWORD_ENV]?.trim() || BENCH_DEFAULT_PASSWORD
}

export function benchEmail(username: BenchUsername): string {
	return `${username}@bench.bangfu.cn`
}
