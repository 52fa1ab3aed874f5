"""The war room: a page that replays a run or an experiment from its folder's own files,
served on loopback (`warroom serve`) or exported as one file that works offline
(`warroom export`)."""
