// The policy editor: CodeMirror 6 with a Rego mode, line numbers, history and lint markers for
// compile errors at file:line:col.
import { EditorState } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
} from '@codemirror/view';
import {
  StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching,
} from '@codemirror/language';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { lintGutter, setDiagnostics } from '@codemirror/lint';

const KEYWORDS = /^(package|import|default|not|some|every|in|if|contains|else|with|as)\b/;
const ATOMS = /^(true|false|null)\b/;

/** Rego v1 tokens: comments, strings (raw too), numbers, keywords, input/data, rule heads. */
export const rego = StreamLanguage.define({
  name: 'rego',
  startState: () => ({ raw: false }),
  token(stream, state) {
    if (state.raw) {
      if (stream.skipTo('`')) {
        stream.next();
        state.raw = false;
      } else stream.skipToEnd();
      return 'string';
    }
    if (stream.eatSpace()) return null;
    if (stream.peek() === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.eat('`')) {
      state.raw = true;
      return 'string';
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/)) return 'number';
    if (stream.match(KEYWORDS)) return 'keyword';
    if (stream.match(ATOMS)) return 'atom';
    if (stream.match(/^(input|data|future|rego)\b/)) return 'builtin';
    const sol = stream.sol();
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) return sol ? 'def' : 'variable';
    if (stream.match(/^(:=|==|!=|<=|>=|=|<|>|\+|-|\*|\/|%|&|\|)/)) return 'operator';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '#' } },
});

/** A JSON-ish mode for data.json and .manifest: strings, numbers, atoms. */
const json = StreamLanguage.define({
  name: 'json',
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match(/^"(?:[^"\\]|\\.)*"(?=\s*:)/)) return 'propertyName';
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/)) return 'number';
    if (stream.match(ATOMS)) return 'atom';
    stream.next();
    return null;
  },
});

/** Creates an editor in parent; label names it for assistive technology. */
export function createEditor(parent, label, onChange) {
  const view = new EditorView({
    parent,
    state: EditorState.create({ doc: '', extensions: extensions('x.rego', label, onChange) }),
  });
  return {
    view,
    /** Shows text (a file called name) with its diagnostics [{line, col, message}]. */
    show(name, text, diagnostics = []) {
      view.setState(EditorState.create({ doc: text, extensions: extensions(name, label, onChange) }));
      mark(diagnostics);
    },
    text: () => view.state.doc.toString(),
    mark,
    /** Puts the cursor at line:col and scrolls there. */
    goTo(line, col) {
      const pos = position(line, col);
      view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
      view.focus();
    },
  };

  function position(line, col) {
    const doc = view.state.doc;
    const l = doc.line(Math.max(1, Math.min(line, doc.lines)));
    return Math.min(l.from + Math.max(0, col - 1), l.to);
  }

  function mark(diagnostics) {
    view.dispatch(
      setDiagnostics(view.state, diagnostics.map((d) => {
        const doc = view.state.doc;
        let from = position(d.line, d.col);
        let line = doc.lineAt(from);
        // An error at the end of a line (or past the last line) marks that line's last character, or
        // the previous line's when the line is empty, so that the mark is visible.
        if (line.length === 0 && line.number > 1) line = doc.line(line.number - 1);
        if (from >= line.to) from = Math.max(line.from, line.to - 1);
        const to = Math.max(line.to, Math.min(from + 1, doc.length));
        return { from, to, severity: 'error', message: d.message };
      })),
    );
  }
}

function extensions(name, label, onChange) {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightActiveLine(),
    drawSelection(),
    history(),
    bracketMatching(),
    name.endsWith('.rego') ? rego : json,
    syntaxHighlighting(defaultHighlightStyle),
    lintGutter(),
    // Tab is left to the browser so the page stays keyboard-navigable; indent with spaces.
    keymap.of([...defaultKeymap, ...historyKeymap]),
    EditorView.contentAttributes.of({ 'aria-label': `${label}: ${name}` }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged && onChange) onChange(update.state.doc.toString());
    }),
  ];
}
