import { describe, expect, it } from 'vitest'
import { ancestorCodes, codeAtLevel, covers, levelOfCode, regionPrefix } from './region-code.ts'

describe('region codes', () => {
	it('reads the level from the digits', () => {
		expect(levelOfCode('510000000000')).toBe(1)
		expect(levelOfCode('513400000000')).toBe(2)
		expect(levelOfCode('513431000000')).toBe(3)
		expect(levelOfCode('513431100000')).toBe(4)
		expect(levelOfCode('513431100201')).toBe(5)
		expect(levelOfCode('5134')).toBeUndefined()
		expect(levelOfCode('51343110020x')).toBeUndefined()
	})
	it('checks jurisdiction by prefix, not by string start of the padded code', () => {
		expect(covers('510000000000', '513431100201')).toBe(true)
		expect(covers('513431000000', '513431100201')).toBe(true)
		expect(covers('513431100000', '513431100201')).toBe(true)
		expect(covers('513431100201', '513431100201')).toBe(true)
		expect(covers('513431000000', '513432100201')).toBe(false)
		expect(covers('520000000000', '513431100201')).toBe(false)
		expect(covers('513431100201', '513431000000')).toBe(false)
		expect(covers('bad', '513431100201')).toBe(false)
	})
	it('derives ancestors and prefixes', () => {
		expect(regionPrefix('513431000000')).toBe('513431')
		expect(ancestorCodes('513431100201')).toEqual(['510000000000', '513400000000', '513431000000', '513431100000'])
		expect(ancestorCodes('510000000000')).toEqual([])
		expect(codeAtLevel('513431100201', 3)).toBe('513431000000')
	})
})
