import { describe, expect, it } from 'vitest'
import { TextIndex, type TextQuery, intersect, union, withinEdits } from './text-index.ts'

const leaf = (token: string, prefix = false, fuzzy = 0) => ({ token, prefix, fuzzy })
/** One word of one alternative of the given tokens. */
const all = (...tokens: ReturnType<typeof leaf>[]): TextQuery => [[tokens]]

function sample() {
	const index = new TextIndex()
	index.add(0, ['蔬菜', '大棚'], ['蔬菜', '种植'])
	index.add(1, ['茶叶'], ['蔬菜'])
	index.add(2, ['training'], ['village', 'leaders'])
	index.add(3, ['trainer'], [])
	return index
}

describe('TextIndex', () => {
	it('ANDs the tokens of an alternative and scores a title match above a body match', () => {
		const index = sample()
		const veg = index.search(all(leaf('蔬菜')), 3)
		expect(veg.ords).toEqual([0, 1])
		expect(veg.scores[0]).toBeGreaterThan(veg.scores[1])
		expect(index.search(all(leaf('蔬菜'), leaf('大棚')), 3).ords).toEqual([0])
		expect(index.search(all(leaf('蔬菜'), leaf('茶叶')), 3).ords).toEqual([1])
		expect(index.search(all(leaf('没有')), 3).ords).toEqual([])
	})

	it('ORs alternatives and ANDs words', () => {
		const index = sample()
		expect(index.search([[[leaf('茶叶')], [leaf('大棚')]]], 3).ords).toEqual([0, 1])
		expect(index.search([[[leaf('茶叶')], [leaf('大棚')]], [[leaf('种植')]]], 3).ords).toEqual([0])
	})

	it('expands a token by prefix and by typos only where asked', () => {
		const index = sample()
		expect(index.search(all(leaf('train')), 3).ords).toEqual([])
		expect(index.search(all(leaf('train', true)), 3).ords).toEqual([2, 3])
		expect(index.search(all(leaf('traning')), 3).ords).toEqual([])
		expect(index.search(all(leaf('traning', false, 1)), 3).ords).toEqual([2])
		const exact = index.search(all(leaf('training', true)), 3)
		// The exact token outweighs the one found by prefix.
		expect(exact.ords).toEqual([2])
	})

	it('skips removed ordinals, keeps working after compaction, and refuses reused ordinals', () => {
		const index = new TextIndex()
		for (let ord = 0; ord < 30_000; ord++) index.add(ord, ord % 2 ? ['单数'] : ['双数'], ['共同'])
		expect(index.size).toBe(30_000)
		for (let ord = 0; ord < 20_000; ord++) index.remove(ord)
		index.remove(5)
		expect(index.size).toBe(10_000)
		const common = index.search(all(leaf('共同')), 3)
		expect(common.ords.length).toBe(10_000)
		expect(common.ords[0]).toBe(20_000)
		expect(index.search(all(leaf('单数')), 3).ords.every((o) => o >= 20_000 && o % 2 === 1)).toBe(true)
		expect(() => index.add(10, ['x'], [])).toThrow(/already/)
		index.add(30_000, ['新'], [])
		expect(index.search(all(leaf('新')), 3).ords).toEqual([30_000])
	})
})

describe('sealed lists', () => {
	it('answers the same before and after sealing, and after more records come in', () => {
		const index = new TextIndex()
		for (let ord = 0; ord < 100; ord++) index.add(ord, ord % 3 ? ['茶叶'] : ['蔬菜'], ['村民', ...(ord % 10 ? [] : ['合作'])])
		const before = index.search(all(leaf('村民'), leaf('茶叶')), 3)
		index.seal()
		expect(index.search(all(leaf('村民'), leaf('茶叶')), 3)).toEqual(before)
		index.add(100, ['茶叶'], ['村民'])
		expect(index.search(all(leaf('村民'), leaf('茶叶')), 3).ords).toEqual([...before.ords, 100])
		index.remove(1)
		expect(index.search(all(leaf('茶叶')), 3).ords).not.toContain(1)
	})

	it('tells in which fields given records hold every token, sealed or not', () => {
		const index = new TextIndex()
		for (let ord = 0; ord < 50; ord++) index.add(ord, ord % 2 ? ['training'] : ['茶叶'], ord % 5 ? ['茶叶', '村民'] : [])
		index.seal()
		index.add(50, ['茶叶', '村民'], ['村民'])
		const tea = index.fieldsWith([leaf('茶叶')], [0, 1, 5, 10, 50, 99])
		expect([...tea]).toEqual([
			[0, 2],
			[1, 1],
			[10, 2],
			[50, 2],
		])
		expect([...index.fieldsWith([leaf('茶叶'), leaf('村民')], [0, 2, 50])]).toEqual([
			[2, 1],
			[50, 2],
		])
		expect([...index.fieldsWith([leaf('train', true)], [1, 2, 3])]).toEqual([
			[1, 2],
			[3, 2],
		])
		expect(index.fieldsWith([leaf('train')], [1]).size).toBe(0)
	})
})

describe('merging', () => {
	it('intersects and unites sorted matches', () => {
		const a = { ords: [1, 3, 5], scores: [1, 1, 1] }
		const b = { ords: [3, 4, 5], scores: [2, 2, 2] }
		expect(intersect(a, b)).toEqual({ ords: [3, 5], scores: [3, 3] })
		expect(union(a, b)).toEqual({ ords: [1, 3, 4, 5], scores: [1, 2, 2, 2] })
	})

	it('bounds edit distance', () => {
		expect(withinEdits('village', 'vilage', 1)).toBe(true)
		expect(withinEdits('village', 'vilagg', 1)).toBe(false)
		expect(withinEdits('vocational', 'vocasional', 1)).toBe(true)
		expect(withinEdits('abc', 'abcdef', 2)).toBe(false)
	})
})
