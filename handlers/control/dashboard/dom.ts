/** Attributes of {@link Ui.el}: `text` sets textContent, `class` the class list, others as is. */
export type Props = Record<string, string | undefined>

/** The DOM the dashboard runs in: a document (the served page) or a shadow root (mounted). */
export class Ui {
  readonly doc: Document

  constructor(readonly root: Document | ShadowRoot) {
    this.doc = root.ownerDocument ?? (root as Document)
  }

  /** The dashboard element `#irm-<id>`; throws when the markup lacks it. */
  byId<T extends HTMLElement = HTMLElement>(id: string): T {
    const node = this.root.querySelector<T>(`#irm-${id}`)
    if (!node) throw new Error(`the dashboard markup has no #irm-${id}`)
    return node
  }

  /** A new element with attributes and children, built with DOM methods (never HTML strings). */
  el<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    props: Props | null = null,
    children: ReadonlyArray<Node | string | null | undefined> = [],
  ): HTMLElementTagNameMap[K] {
    const node = this.doc.createElement(tag)
    for (const [key, value] of Object.entries(props ?? {})) {
      if (value === undefined) continue
      if (key === 'text') node.textContent = value
      else if (key === 'class') node.className = value
      else node.setAttribute(key, value)
    }
    for (const child of children) if (child != null) node.append(child)
    return node
  }

  /**
   * `text` (an operation id, route or rule) with a line-break opportunity after each `.`, `/`, `_` before a capital,
   * `,`, `?` and `&` and between the words of a camelCase name, so a narrow column wraps it between
   * its parts (`ImageService_Get|Image`), never mid-word.
   */
  breakable(text: string): Node[] {
    return text
      .split(/(?<=[./,?&])|(?<=_)(?=[A-Z])|(?<=[a-z])(?=[A-Z])/)
      .filter((part) => part !== '')
      .flatMap((part, i) => (i === 0 ? [part] : [this.doc.createElement('wbr'), part]))
      .map((part) => (typeof part === 'string' ? this.doc.createTextNode(part) : part))
  }

  /** Whether `node` has focus (inside a shadow root the document only sees the host). */
  focused(node: Element): boolean {
    return this.doc.activeElement === node || this.root.activeElement === node
  }

  /** Says `message` in the polite status region. */
  announce(message: string, isError = false): void {
    const region = this.byId('announce')
    region.textContent = message
    region.className = isError ? 'error' : ''
  }
}

/** `key=value` pairs of the defined fields of `obj`, objects as JSON. */
export function describe(obj: object | undefined): string {
  if (!obj) return ''
  return Object.entries(obj)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : value}`)
    .join(' ')
}
