// Pure helpers on 12-digit statistical division codes (统计用区划代码): 2 province, 2 prefecture,
// 2 county, 3 township, 3 village. Jurisdiction is a prefix of the code.
import type { RegionLevel } from '#db/schema.ts'

export const LEVELS: RegionLevel[] = [1, 2, 3, 4, 5]
const PREFIX_LENGTH: Record<RegionLevel, number> = { 1: 2, 2: 4, 3: 6, 4: 9, 5: 12 }
export const LEVEL_KEYS: Record<RegionLevel, string> = { 1: 'province', 2: 'city', 3: 'county', 4: 'township', 5: 'village' }

export const REGION_CODE_PATTERN = /^\d{12}$/

export function isRegionCode(code: string): boolean {
	return REGION_CODE_PATTERN.test(code)
}

/** The level a code's digits describe (trailing zero groups), or undefined if malformed. */
export function levelOfCode(code: string): RegionLevel | undefined {
	if (!isRegionCode(code)) return undefined
	if (code.slice(2) === '0000000000') return 1
	if (code.slice(4) === '00000000') return 2
	if (code.slice(6) === '000000') return 3
	if (code.slice(9) === '000') return 4
	return 5
}

/** The significant digits of a code: everything below it shares this prefix. */
export function regionPrefix(code: string): string {
	const level = levelOfCode(code)
	if (!level) throw new Error(`not a region code: ${code}`)
	return code.slice(0, PREFIX_LENGTH[level])
}

/** Codes of the region's ancestors, province first, excluding itself. */
export function ancestorCodes(code: string): string[] {
	const level = levelOfCode(code)
	if (!level) return []
	const out: string[] = []
	for (let l = 1 as RegionLevel; l < level; l = (l + 1) as RegionLevel) {
		out.push(code.slice(0, PREFIX_LENGTH[l]).padEnd(12, '0'))
	}
	return out
}

/** True when `jurisdiction` is `target` or one of its ancestors. */
export function covers(jurisdiction: string, target: string): boolean {
	if (!isRegionCode(jurisdiction) || !isRegionCode(target)) return false
	return target.startsWith(regionPrefix(jurisdiction))
}

/** The code of the region at `level` that contains `code` (e.g. a village's county). */
export function codeAtLevel(code: string, level: RegionLevel): string {
	return code.slice(0, PREFIX_LENGTH[level]).padEnd(12, '0')
}
