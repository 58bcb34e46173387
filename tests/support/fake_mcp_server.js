#!/usr/bin/env node
// A scripted MCP server (stdio) for the end-to-end tests: what the real servers cannot show.
//   node fake_mcp_server.js MODE [--version V] [--pid-file FILE] [--log FILE]
// MODE:
//   ok            tools echo and add (over two tools/list pages), plus a task-only tool and one whose
//                 schema uses $ref; before answering a call it pings the client, sends roots/list and a
//                 notification, and answers only once the ping came back as {}
//   crash         exits with status 3 (after a line on stderr) when a tool is called
//   hang          never answers a tool call; writes its pid and a child's pid to --pid-file
//   hang-init     never answers initialize
//   garbage       writes a line that is not JSON before each answer (the call still works)
//   garbage-init  answers initialize with garbage only
//   late          "slow" answers only after 1.5 s, or (stale by then) just before the answer to the
//                 next call: replies out of order
// --version V: the protocolVersion it answers (default: the one asked for).
// --log FILE: every message received is appended there, one per line.
// --stubborn: ignores SIGTERM and the end of its stdin (only SIGKILL stops it).
// --noisy: its line on stderr at start holds escape sequences (a window title, clear screen).
'use strict';
const fs = require('fs');
const { spawn } = require('child_process');

const mode = process.argv[2] || 'ok';
const opt = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const logFile = opt('--log');
const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');
const answer = (id, result) => send({ result, jsonrpc: '2.0', id });

if (opt('--pid-file')) {
  const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
  fs.writeFileSync(opt('--pid-file'), `${process.pid}\n${child.pid}\n`);
}

const str = { type: 'string' };
const pages = [
  [{ name: 'echo', description: 'Echoes the message', inputSchema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { message: str }, required: ['message'] }, execution: { taskSupport: 'forbidden' } }],
  [{ name: 'add', title: 'Adds two numbers', inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } } },
   { name: 'research', description: 'needs tasks', inputSchema: { type: 'object' }, execution: { taskSupport: 'required' } },
   { name: 'where', description: 'A place', inputSchema: { type: 'object', $defs: { City: { type: 'string', description: 'a city' } }, properties: { city: { $ref: '#/$defs/City' } } } }],
];
if (mode === 'late') pages[0].unshift({ name: 'slow', description: 'Answers late', inputSchema: { type: 'object', properties: {} } });

let pendingPing = null;  // the call waiting for our ping's answer
let stale = null;        // late mode: the answer still owed to the slow call

function callResult(p) {
  const args = p.arguments || {};
  if (p.name === 'echo') return { content: [{ type: 'text', text: `fake echo: ${args.message}` }] };
  if (p.name === 'add') return { content: [{ type: 'text', text: String(args.a + args.b) }] };
  if (p.name === 'where') return { content: [{ type: 'text', text: `in ${args.city}` }, { type: 'image', data: 'AAAA', mimeType: 'image/png' }] };
  return { isError: true, content: [{ type: 'text', text: `no tool ${p.name}` }] };
}

function onCall(m) {
  if (mode === 'crash') {
    process.stderr.write('fake server: giving up\n');
    process.exit(3);
  }
  if (mode === 'hang') return;
  if (mode === 'garbage') process.stdout.write('this is not JSON\n');
  if (mode === 'late') {
    if (m.params.name === 'slow') {
      stale = () => answer(m.id, { content: [{ type: 'text', text: 'slow done' }] });
      setTimeout(() => { if (stale) { stale(); stale = null; } }, 1500);
      return;
    }
    const reply = () => answer(m.id, callResult(m.params));
    if (stale) {  // the old call's answer first, then this one's
      stale();
      stale = null;
    }
    reply();
    return;
  }
  if (mode === 'ok') {
    pendingPing = m;
    send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'calling' } });
    send({ jsonrpc: '2.0', id: 7, method: 'roots/list' });
    send({ jsonrpc: '2.0', id: 0, method: 'ping' });
    return;
  }
  answer(m.id, callResult(m.params));
}

function onMessage(m) {
  if (logFile) fs.appendFileSync(logFile, JSON.stringify(m) + '\n');
  if (m.method === 'initialize') {
    if (mode === 'hang-init') return;
    if (mode === 'garbage-init') return process.stdout.write('Welcome to the fake server!\n');
    process.stderr.write(process.argv.includes('--noisy')
      ? 'fake server: \x1b]0;pwned\x07 starting \x1b[2J\n'
      : 'fake server: starting\n');
    return answer(m.id, { protocolVersion: opt('--version') || m.params.protocolVersion,
                          capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'fake', version: '1.0' } });
  }
  if (m.method === 'tools/list') {
    const page = m.params && m.params.cursor === 'page2' ? 1 : 0;
    const result = { tools: pages[page] };
    if (page === 0) result.nextCursor = 'page2';
    return answer(m.id, result);
  }
  if (m.method === 'tools/call') return onCall(m);
  if (m.id === 0 && pendingPing) {  // our ping's answer
    const call = pendingPing;
    pendingPing = null;
    const ok = m.result && Object.keys(m.result).length === 0;
    return answer(call.id, ok ? callResult(call.params) : { isError: true, content: [{ type: 'text', text: 'bad ping answer' }] });
  }
}

let buffer = '';
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    if (line.trim()) onMessage(JSON.parse(line));
  }
});
if (process.argv.includes('--stubborn')) {
  process.on('SIGTERM', () => {});
} else {
  process.stdin.on('end', () => process.exit(0));
}
