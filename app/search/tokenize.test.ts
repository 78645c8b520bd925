import { describe, expect, it } from 'vitest'
import { splitWords, tokenize, tokenizeQuery } from './tokenize.ts'

describe('tokenize', () => {
	it('finds two-character words inside longer sentences, whatever the segmenter makes of them', () => {
		// Intl.Segmenter reads 帮扶 here as 帮|扶: the bigram is what makes it findable.
		expect(tokenize('东部企业帮扶三河村发展产业')).toContain('帮扶')
		expect(tokenize('为火普村销售有机蔬菜和土豆')).toContain('蔬菜')
		expect(tokenize('全面推进乡村振兴战略')).toContain('振兴')
		expect(tokenize('蔬菜种植基地')).toEqual(expect.arrayContaining(['蔬菜', '种植', '菜种']))
	})

	it('keeps a lone CJK character between separators', () => {
		expect(tokenize('村、镇')).toEqual(expect.arrayContaining(['村', '镇']))
	})

	it('lower-cases English and folds full-width letters and digits', () => {
		expect(tokenize('Vocational Training')).toEqual(expect.arrayContaining(['vocational', 'training']))
		expect(tokenize('Ｔｒａｉｎｉｎｇ ２０２４年')).toEqual(expect.arrayContaining(['training', '2024']))
		expect(tokenize('5G网络覆盖')).toEqual(expect.arrayContaining(['5g', '网络']))
	})

	it('splits at punctuation, full-width included, and deduplicates', () => {
		const tokens = tokenize('蔬菜，蔬菜。蔬菜！(蔬菜)')
		expect(tokens.filter((t) => t === '蔬菜')).toHaveLength(1)
		expect(tokens).not.toContain('菜蔬')
		expect(splitWords('你好，世界! Hello-world')).toEqual(['你好', '世界', 'hello', 'world'])
	})

	it('queries match CJK by bigrams only, English by words', () => {
		expect(tokenizeQuery('蔬菜种植')).toEqual(['蔬菜', '菜种', '种植'])
		expect(tokenizeQuery('Training 振兴')).toEqual(['training', '振兴'])
		expect(tokenizeQuery('菜')).toEqual(['菜'])
		expect(tokenizeQuery('  ，。 ')).toEqual([])
	})

	it('tokenizes 100,000 characters of unbroken Chinese', () => {
		let text = ''
		for (let i = 0; i < 100_000; i++) text += String.fromCharCode(0x4e00 + ((i * 7919) % 20_000))
		const started = performance.now()
		const tokens = tokenize(text)
		const ms = performance.now() - started
		console.log(`[tokenize] 100,000 unbroken CJK characters: ${tokens.length} tokens in ${ms.toFixed(0)} ms`)
		// The text repeats every 20,000 characters, so about 20,000 distinct bigrams plus words.
		expect(tokens.length).toBeGreaterThan(20_000)
		expect(tokens).toContain(text.slice(-2))
	})
})
