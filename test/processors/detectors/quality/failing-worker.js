// A worker entry that cannot load, for the check pool's start-failure test.
throw new Error('this worker cannot load');
