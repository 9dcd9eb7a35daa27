// Preloaded (`node --import`) into a server process by a test that needs an unexpected error
// inside a handler: the object JSON.parse returns for a text holding "stack-probe" throws on its
// first property read, from within whatever handler reads it.
const parse = JSON.parse
JSON.parse = function (text, reviver) {
  const value = parse.call(this, text, reviver)
  if (typeof text !== 'string' || !text.includes('"stack-probe"')) return value
  return new Proxy(value, {
    get() {
      throw new Error('stack probe')
    },
  })
}
