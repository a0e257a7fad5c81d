// Imported first by every UI test: chalk (inside Ink) reads the colour level once, at import time,
// so the frames are plain text whatever the terminal running the tests supports.
process.env.FORCE_COLOR = '0';
delete process.env.NO_COLOR;
export {};
