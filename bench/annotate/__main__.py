from bench.annotate.run import main

main()
