import sys, time
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
opts = webdriver.ChromeOptions()
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,1400"]: opts.add_argument(a)
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
d.get(sys.argv[1])
time.sleep(0.5)
el = d.find_element(By.CSS_SELECTOR, ".stepthrough")
d.execute_script("arguments[0].scrollIntoView()", el)
el.click()
for k in sys.argv[3:]:
    from selenium.webdriver.common.keys import Keys
    el.send_keys({"right": Keys.ARROW_RIGHT, "left": Keys.ARROW_LEFT, "b": "b", "f": "f", "end": Keys.END}.get(k, k))
time.sleep(0.3)
print([l for l in d.get_log("browser")])
el.screenshot(sys.argv[2])
d.quit()
